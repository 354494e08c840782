package io.wildcloud.ws.push;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Socket ids: 192 random bits from {@link SecureRandom}, URL-safe base64 without padding (32
 * characters of {@code A-Z a-z 0-9 - _}). Never derived from the application or client id, so
 * knowing a client id tells nothing about its socket; no dots, since SockJS refuses path segments
 * with dots.
 */
public final class SocketIds {

    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** The characters of URL-safe base64, by code: {@code A-Z a-z 0-9 - _}. */
    private static final boolean[] URL_SAFE_BASE64 = urlSafeBase64();

    private SocketIds() {
    }

    public static String next() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Whether {@code candidate} has the form of a socket id; lets callers skip a store trip. */
    public static boolean isWellFormed(String candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = candidate.charAt(i);
            // A table, not five range tests: a batch checks a hundred ids per request.
            if (c >= URL_SAFE_BASE64.length || !URL_SAFE_BASE64[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] urlSafeBase64() {
        boolean[] table = new boolean[128];
        for (char c = 0; c < table.length; c++) {
            table[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
        }
        return table;
    }
}
