package io.wildcloud.ws.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The check an application makes on each callback before it trusts it: the
 * {@code X-Wildcloud-Signature} header must be {@code sha256=<hex>}, the HMAC-SHA256 of the exact
 * body bytes keyed by the application's secret. Written out here, as an application that does not
 * use our jars would write it, so the demo shows the whole recipe.
 */
public final class CallbackVerifier {

    public static final String SIGNATURE_HEADER = "X-Wildcloud-Signature";
    public static final String IDEMPOTENCY_KEY_HEADER = "X-Wildcloud-Idempotency-Key";

    private final SecretKeySpec key;

    public CallbackVerifier(String applicationSecret) {
        this.key = new SecretKeySpec(applicationSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Whether {@code header} signs {@code body}; compares in constant time. */
    public boolean verify(byte[] body, String header) {
        if (header == null) {
            return false;
        }
        byte[] expected = expectedHeader(body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.US_ASCII));
    }

    String expectedHeader(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
