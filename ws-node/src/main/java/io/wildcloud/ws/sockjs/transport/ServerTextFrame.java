package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.List;

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
        ByteBuf frame = header(alloc, length);
        ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
        return frame;
    }

    /**
     * The frame carrying the SockJS {@code a[...]} frame of {@code messages} (at least one), as
     * {@code encode(alloc, Frames.messagesText(messages))} makes it. When every message is plain
     * ASCII that JSON leaves as it is (the usual case), its bytes go straight into the frame's
     * buffer: no text built first, no UTF-8 count and encoding of it (a tenth of the event loop's
     * time in issue 17's batches). Otherwise through the text.
     */
    static ByteBuf encodeMessages(ByteBufAllocator alloc, List<QueuedMessage> messages) {
        int n = messages.size();
        int length = 2 + n; // a[ ... ] and a comma between each two: n + 1 bytes, plus two quotes per message
        for (int i = 0; i < n; i++) {
            String message = messages.get(i).message();
            if (!SockJsJson.quotesAsIs(message)) {
                return encode(alloc, Frames.messagesText(messages));
            }
            length += message.length() + 2;
        }
        ByteBuf frame = header(alloc, length);
        frame.writeByte('a').writeByte('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                frame.writeByte(',');
            }
            frame.writeByte('"');
            ByteBufUtil.writeAscii(frame, messages.get(i).message());
            frame.writeByte('"');
        }
        frame.writeByte(']');
        return frame;
    }

    /** A buffer for a frame of {@code length} payload bytes, its header written. */
    private static ByteBuf header(ByteBufAllocator alloc, int length) {
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
        return frame;
    }
}
