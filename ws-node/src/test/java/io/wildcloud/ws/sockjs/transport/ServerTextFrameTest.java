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
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void encodesAMessagesFrameAsItsSockJsTextWouldBe() {
        // a[" + 118 chars + "] is 124 payload bytes: the plain lengths cross the 7-bit and 16-bit edges.
        List<List<String>> batches = new ArrayList<>();
        for (int chars : new int[] {0, 1, 118, 119, 120, 121, 65527, 65528, 65529, 70000}) {
            batches.add(List.of("p".repeat(chars)));
        }
        for (String odd : new String[] {"\"", "\\", "\n", "\u001f", "\u007f", "\u00e9", "\u2028", "\uD83D\uDE00", "\uFFFF"}) {
            batches.add(List.of("before" + odd + "after"));
            batches.add(List.of("plain", odd, "plain too"));
        }
        batches.add(List.of("one", "two", "", " !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"));
        for (List<String> texts : batches) {
            List<QueuedMessage> messages = new ArrayList<>();
            for (String text : texts) {
                messages.add(new QueuedMessage(messages.size() + 1, text));
            }
            String label = texts.toString().substring(0, Math.min(40, texts.toString().length()));
            assertArrayEquals(nettys(Frames.messagesText(messages).toString()), bytes(
                    ServerTextFrame.encodeMessages(ByteBufAllocator.DEFAULT, messages)), label);
        }
    }

    private static byte[] bytes(ByteBuf frame) {
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
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
