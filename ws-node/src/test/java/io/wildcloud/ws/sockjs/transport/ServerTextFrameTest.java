package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerTextFrameTest {

    @Test
    void encodesAsNettysServerEncoderAtEveryLengthForm() {
        // 7-bit, 16-bit and 64-bit lengths and their edges; multi-byte characters change the byte count.
        for (int chars : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            for (String unit : new String[] {"a", "\u00e9", "\u2603", "\uD83D\uDE00"}) {
                String text = unit.repeat(Math.max(0, chars / unit.length()));
                assertArrayEquals(nettys(text), ours(text), unit + " x " + chars);
            }
        }
    }

    private static byte[] ours(String text) {
        ByteBuf frame = ServerTextFrame.encode(ByteBufAllocator.DEFAULT, text);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] nettys(String text) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        ch.writeOutbound(new TextWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = ch.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        assertFalse(ch.finish());
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }
}
