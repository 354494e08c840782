package io.wildcloud.ws.engine.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Encoder;

/**
 * Redisson's {@link StringCodec} (replies decode to strings), except that the arguments it encodes
 * live on the Java heap instead of in Netty's pooled direct memory. Redisson encodes a command's
 * arguments when it gets the command and releases them when the command ends, but not on every
 * path: around a Redis restart it has dropped a script call's arguments unreleased (see
 * DEVELOPERS.md). A heap buffer nobody releases is collected like any other object; a pooled one
 * keeps its memory from the pool, and the leak detector reports it.
 */
final class HeapStringCodec extends StringCodec {

    static final HeapStringCodec INSTANCE = new HeapStringCodec();

    private final Encoder encoder = HeapStringCodec::encodeOnHeap;

    private HeapStringCodec() {
    }

    /** A buffer over the UTF-8 bytes of {@code value}: untracked by the leak detector, nothing to give back. */
    static ByteBuf encodeOnHeap(Object value) {
        return Unpooled.wrappedBuffer(value.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Encoder getValueEncoder() {
        return encoder;
    }

    @Override
    public Encoder getEncoder() {
        return encoder;
    }
}
