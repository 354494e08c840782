package io.wildcloud.ws.common.api;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a callback request proves it comes from this service, and how an application checks it.
 *
 * <p>Each callback POST carries:
 * <ul>
 *   <li>{@value #SIGNATURE_HEADER}: {@code sha256=<hex>}, the lower-case hex HMAC-SHA256 of the
 *       exact request body bytes, keyed by the UTF-8 bytes of the application's secret id;</li>
 *   <li>{@value #IDEMPOTENCY_KEY_HEADER}: a random key, one per message, the same on every retry of
 *       that message; an application that stores the keys it has handled can drop repeats (a retry
 *       after a timeout may deliver a message twice).</li>
 * </ul>
 * An application verifies with {@link #verify(String, byte[], String)} before it parses the body.
 */
public final class CallbackSignature {

    public static final String SIGNATURE_HEADER = "X-Wildcloud-Signature";
    public static final String IDEMPOTENCY_KEY_HEADER = "X-Wildcloud-Idempotency-Key";
    /** The prefix of the signature header's value, naming the algorithm. */
    public static final String SCHEME_PREFIX = "sha256=";

    private static final String ALGORITHM = "HmacSHA256";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CallbackSignature() {
    }

    /** The {@value #SIGNATURE_HEADER} value for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        return SCHEME_PREFIX + hex(hmac(secret, body));
    }

    /**
     * Whether {@code headerValue} is the signature of {@code body} under {@code secret}. The
     * comparison takes the same time wherever the first difference is, so an attacker cannot
     * learn the signature byte by byte.
     */
    public static boolean verify(String secret, byte[] body, String headerValue) {
        if (headerValue == null) {
            return false;
        }
        byte[] expected = sign(secret, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = headerValue.trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java runtime ships HmacSHA256 and accepts any non-empty key.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }
}
