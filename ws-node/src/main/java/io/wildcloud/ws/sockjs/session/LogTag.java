package io.wildcloud.ws.sockjs.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What logs show instead of an id that is a bearer token (a socket id: whoever has it can open
 * sessions): the first 8 hex digits of its SHA-256. Short enough to read, stable so that the lines
 * of one socket can be found together (and matched with {@code LogTag.of(id)} by whoever holds the
 * id), and not reversible. Every log line and error message that names a socket uses this.
 */
public final class LogTag {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogTag() {
    }

    /** {@code "#"} and 8 hex digits; {@code "#null"} for {@code null}. */
    public static String of(String id) {
        if (id == null) {
            return "#null";
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        char[] tag = new char[9];
        tag[0] = '#';
        for (int i = 0; i < 4; i++) {
            tag[1 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
            tag[2 + 2 * i] = HEX[digest[i] & 0xf];
        }
        return new String(tag);
    }
}
