package io.wildcloud.ws.common.client;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The check an application makes on each callback request before it trusts it: the
 * {@value #SIGNATURE_HEADER} header must be {@code sha256=<hex>}, the HMAC-SHA256 of the exact body
 * bytes keyed by the application's secret, compared in constant time.
 *
 * <pre>{@code
 * CallbackVerifier verifier = new CallbackVerifier(applicationSecret);
 * byte[] body = request.body();                      // the raw bytes, before any parsing
 * if (!verifier.verify(body, request.header(CallbackVerifier.SIGNATURE_HEADER))) {
 *     return 401;                                    // not from the push service
 * }
 * CallbackPayload payload = CallbackPayload.fromJson(new String(body, UTF_8));
 * // drop repeats by request.header(CallbackVerifier.IDEMPOTENCY_KEY_HEADER): a retry may follow a success
 * }</pre>
 *
 * Thread-safe.
 */
public final class CallbackVerifier {

    /** The header carrying the signature. */
    public static final String SIGNATURE_HEADER = CallbackSignature.SIGNATURE_HEADER;
    /** The header carrying a key that is the same on every retry of one message. */
    public static final String IDEMPOTENCY_KEY_HEADER = CallbackSignature.IDEMPOTENCY_KEY_HEADER;

    private final String secret;

    /** @param applicationSecret the application's secret id, as the nodes know it */
    public CallbackVerifier(String applicationSecret) {
        this.secret = Objects.requireNonNull(applicationSecret, "applicationSecret");
    }

    /**
     * Whether {@code signatureHeader} (the {@value #SIGNATURE_HEADER} value, {@code null} when absent)
     * signs exactly {@code body}. Blanks around the value are ignored; anything else that differs
     * (case of the hex, another scheme, one byte of the body) fails. Takes the same time wherever
     * the first difference is, so the signature cannot be guessed byte by byte.
     */
    public boolean verify(byte[] body, String signatureHeader) {
        return CallbackSignature.verify(secret, Objects.requireNonNull(body, "body"), signatureHeader);
    }

    /**
     * The callback's payload once {@link #verify} accepts it.
     *
     * @throws SecurityException when the signature does not match (the body is not parsed then)
     */
    public CallbackPayload verifiedPayload(byte[] body, String signatureHeader) {
        if (!verify(body, signatureHeader)) {
            throw new SecurityException("callback signature missing or wrong: not sent by the push service");
        }
        return CallbackPayload.fromJson(new String(body, StandardCharsets.UTF_8));
    }
}
