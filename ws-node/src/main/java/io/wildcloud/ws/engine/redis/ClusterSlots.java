package io.wildcloud.ws.engine.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis Cluster slot of a key, as the Cluster specification computes it: CRC16 (XMODEM) of
 * the key's hash tag (the text between its first {@code {} and the next {@code }}, when not
 * empty), or of the whole key, modulo 16384. A batch of publishes runs one script per slot; a
 * claim journals its session under the {@linkplain #tag tag} of the session's slot.
 */
final class ClusterSlots {

    static final int SLOTS = 16384;
    /** For each slot, the shortest base-36 number whose CRC16 falls in it: the same on every node. */
    private static final String[] TAGS = tags();

    private ClusterSlots() {
    }

    static int of(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                start = open + 1;
                end = close;
            }
        }
        return crc16(bytes, start, end) & (SLOTS - 1);
    }

    /** A hash tag (without braces) whose keys fall in {@code slot}. */
    static String tag(int slot) {
        return TAGS[slot];
    }

    private static String[] tags() {
        String[] tags = new String[SLOTS];
        int found = 0;
        for (int n = 0; found < SLOTS; n++) {
            byte[] tag = Integer.toString(n, 36).getBytes(StandardCharsets.US_ASCII);
            int slot = crc16(tag, 0, tag.length) & (SLOTS - 1);
            if (tags[slot] == null) {
                tags[slot] = Integer.toString(n, 36);
                found++;
            }
        }
        return tags;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0. */
    static int crc16(byte[] bytes, int start, int end) {
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xffff;
    }
}
