package io.wildcloud.ws.common.sockjs;

/** The UTF-8 length of text, without encoding it (for layers that must not name Netty's buffers). */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The bytes {@code text} takes in UTF-8; a lone surrogate counts 1, as the {@code ?} an encoder
     * writes for it (Netty's {@code ByteBufUtil.utf8Bytes} counts the same).
     */
    public static int length(CharSequence text) {
        int bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
