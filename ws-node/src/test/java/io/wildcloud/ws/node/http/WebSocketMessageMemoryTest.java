package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.node.config.ConnectionLimits;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes of an unfinished websocket message are reserved from the port's memory while Netty's
 * decoder and aggregator (the real ones, behind it) hold them, and given back exactly once on every
 * path: the message handed on, the connection closed mid-message, a protocol error.
 */
class WebSocketMessageMemoryTest {

    private static final ConnectionLimits LIMITS =
            NodeConfig.from(Settings.load(new String[0], Map.of())).connectionLimits();
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int PING = 0x9;
    private static final int FIN = 0x80;

    private final List<Refusal> refused = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private final List<Object> events = new ArrayList<>();

    @Test
    void aFragmentedMessageIsReservedUntilItIsHandedOn() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory);
        byte[] first = frame(TEXT, "hel");
        channel.writeInbound(Unpooled.wrappedBuffer(first));
        assertEquals(first.length, memory.used());
        channel.writeInbound(Unpooled.wrappedBuffer(frame(FIN | PING, "p"))); // a ping between fragments is not counted
        assertEquals(first.length, memory.used());
        byte[] second = frame(CONTINUATION, "lo ");
        channel.writeInbound(Unpooled.wrappedBuffer(second));
        assertEquals(first.length + second.length, memory.used());
        channel.writeInbound(Unpooled.wrappedBuffer(frame(FIN | CONTINUATION, "world")));
        assertEquals(List.of("hello world"), messages);
        assertEquals(0, memory.used());
        channel.close();
        assertEquals(0, memory.used(), "given back once");
    }

    @Test
    void aFrameFedByteByByteIsReservedAsItComesAndGivenBackWhole() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory);
        char[] text = new char[300]; // a 16-bit length: four header bytes and a mask
        Arrays.fill(text, 'x');
        byte[] frame = frame(FIN | TEXT, new String(text));
        for (int i = 0; i < frame.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame, i, 1));
            assertEquals(i + 1, memory.used(), "after byte " + i);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1));
        assertEquals(1, messages.size());
        assertEquals(0, memory.used());
        assertFalse(channel.finish());
    }

    @Test
    void wholeMessagesInOneReadReserveNothing() {
        RequestMemory memory = new RequestMemory(1); // nothing could be reserved at all
        EmbeddedChannel channel = channel(memory);
        byte[] one = frame(FIN | TEXT, "one");
        byte[] two = frame(FIN | TEXT, "two");
        ByteBuf both = Unpooled.buffer().writeBytes(one).writeBytes(two);
        channel.writeInbound(both);
        assertEquals(List.of("one", "two"), messages);
        assertEquals(List.of(), refused);
        assertEquals(0, memory.used());
    }

    @Test
    void aConnectionClosedMidMessageGivesItsBytesBackOnce() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel other = channel(memory);
        other.writeInbound(Unpooled.wrappedBuffer(frame(TEXT, "held by another")));
        long otherHeld = memory.used();
        EmbeddedChannel channel = channel(memory);
        byte[] frame = frame(FIN | TEXT, "never finished");
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 3));
        assertEquals(otherHeld + frame.length - 3, memory.used());
        channel.close(); // inactive, then removed: given back at the first, nothing twice
        assertEquals(otherHeld, memory.used());
        other.close();
        assertEquals(0, memory.used());
    }

    @Test
    void aProtocolErrorMidMessageGivesItsBytesBack() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(TEXT, "first half")));
        assertTrue(memory.used() > 0);
        // A new text frame inside a fragmented message: the decoder refuses it (1002) and closes.
        channel.writeInbound(Unpooled.wrappedBuffer(frame(FIN | TEXT, "not a continuation")));
        releaseAll(channel.outboundMessages());
        assertEquals("CorruptedWebSocketFrameException", events.get(0));
        assertFalse(channel.isOpen());
        assertEquals(0, memory.used());
    }

    @Test
    void aMessageThatFindsTheBudgetSpentIsClosedWith1013() {
        RequestMemory memory = new RequestMemory(64);
        EmbeddedChannel channel = channel(memory);
        char[] text = new char[100];
        Arrays.fill(text, 'x');
        byte[] frame = frame(FIN | TEXT, new String(text));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 50));
        assertEquals(50, memory.used());
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 50, 20)); // 70 bytes held: past the 64
        assertEquals(List.of(Refusal.WEBSOCKET_BUSY), refused);
        assertEquals(List.of(io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.TRY_AGAIN_LATER), events);
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(1013, close.statusCode());
        close.release();
        assertFalse(channel.isOpen());
        assertEquals(0, memory.used());
        assertEquals(List.of(), messages);
    }

    /** The connection's guard's memory handler before Netty's real decoder and aggregator, then a sink. */
    private EmbeddedChannel channel(RequestMemory memory) {
        ConnectionGuards guards = new ConnectionGuards("test", LIMITS, 100, memory, new ClientErrorLog(), refused::add);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new WebSocketMessageMemory(guards));
        channel.pipeline().addLast(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(65536).allowExtensions(false).closeOnProtocolViolation(true).build()));
        channel.pipeline().addLast(new WebSocketFrameAggregator(65536));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof TextWebSocketFrame text) {
                    messages.add(text.text());
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                events.add(cause.getClass().getSimpleName());
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        return channel;
    }

    /** A client's frame: {@code firstByte} (FIN and opcode), masked with a zero key. */
    private static byte[] frame(int firstByte, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(firstByte);
        if (data.length < 126) {
            frame.writeByte(0x80 | data.length);
        } else {
            frame.writeByte(0x80 | 126).writeShort(data.length);
        }
        frame.writeInt(0).writeBytes(data);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }

    private static void releaseAll(Iterable<Object> messages) {
        for (Object message : messages) {
            ReferenceCountUtil.release(message);
        }
    }
}
