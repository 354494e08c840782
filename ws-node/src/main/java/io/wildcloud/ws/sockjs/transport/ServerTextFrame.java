package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * A whole websocket text frame from the server, header and all, encoded straight into one pooled
 * buffer: the bytes {@code WebSocket08FrameEncoder} makes of a {@code TextWebSocketFrame} (final,
 * no extension bits, not masked), without the frame object, the UTF-8 buffer the encoder then
 * copies into a second one, and its pass through the encoder. A buffer passes the encoder and
 * the websocket handlers unchanged. Only for connections without extensions (the node negotiates
 * none: no compression in the public pipeline).
 */
final class ServerTextFrame {

    private static final int FIN_TEXT = 0x81;

    private ServerTextFrame() {
    }

    /** The frame carrying {@code text}; the caller owns it until it writes it. */
    static ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
        int length = ByteBufUtil.utf8Bytes(text);
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.buffer(header + length);
        frame.writeByte(FIN_TEXT);
        if (length <= 125) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
        return frame;
    }
}
