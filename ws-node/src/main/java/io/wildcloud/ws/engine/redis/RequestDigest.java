package io.wildcloud.ws.engine.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name under which a publish with the application's request id records its answer: a digest
 * of the request id, the addressed session and the message, so that only a true repeat (same id,
 * same target, same message) is taken for one, and an id reused for another message is not.
 */
final class RequestDigest {

    private RequestDigest() {
    }

    /** {@code a} and the SHA-1 of the three, length-prefixed (no two triples give the same input). */
    static String of(String requestId, String sessionId, String message) {
        String session = sessionId == null ? "" : sessionId;
        String input = requestId.length() + ":" + requestId + session.length() + ":" + session + message;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(input.getBytes(StandardCharsets.UTF_8));
            return "a" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
