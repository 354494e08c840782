package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.wildcloud.ws.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redisson.client.handler.State;
import org.redisson.client.protocol.Encoder;

/** Script and command arguments encoded by the engine's codec: exact bytes, and nothing to leak. */
class HeapStringCodecTest {

    private static final Encoder ENCODER = HeapStringCodec.INSTANCE.getValueEncoder();

    @Test
    void encodesTheUtf8BytesOfEachArgument() throws Exception {
        assertArrayEquals("60000".getBytes(StandardCharsets.US_ASCII), bytes(ENCODER.encode(60_000L)));
        assertArrayEquals("1700000000000.5".getBytes(StandardCharsets.US_ASCII), bytes(ENCODER.encode("1700000000000.5")));
        assertArrayEquals(new byte[] {'c', (byte) 0xC3, (byte) 0xA9, ':', (byte) 0xE2, (byte) 0x82, (byte) 0xAC},
                bytes(ENCODER.encode("cé:€")));
        assertEquals(0, ENCODER.encode("").readableBytes());
        assertEquals(ENCODER, HeapStringCodec.INSTANCE.getMapKeyEncoder());
        assertEquals(ENCODER, HeapStringCodec.INSTANCE.getMapValueEncoder());
    }

    @Test
    void decodesRepliesAsStrings() throws Exception {
        ByteBuf reply = Unpooled.copiedBuffer("cé", StandardCharsets.UTF_8);
        try {
            assertEquals("cé", HeapStringCodec.INSTANCE.getValueDecoder().decode(reply, new State()));
        } finally {
            reply.release();
        }
    }

    /**
     * What Redisson does to a command's arguments when it loses the command around a Redis restart:
     * drops them unreleased. With pooled buffers (StringCodec) the leak detector reports each one.
     */
    @Test
    void argumentsDroppedUnreleasedAreNoLeak() throws Exception {
        LeakCheckExtension.flushPendingReports();
        List<String> before = LeakCheckExtension.drainLeaks();
        for (int i = 0; i < 100; i++) {
            ENCODER.encode("argument " + i); // dropped, as Redisson drops them
        }
        LeakCheckExtension.flushPendingReports();
        assertEquals(List.of(), LeakCheckExtension.drainLeaks());
        assertEquals(List.of(), before, "leaks reported before this test");
    }

    private static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }
}
