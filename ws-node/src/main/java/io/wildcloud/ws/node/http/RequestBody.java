package io.wildcloud.ws.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;

/**
 * The body of one connection's request in progress, for its {@link RequestGuard}: its bytes are
 * counted against the port's body limit and reserved from the port's {@link RequestMemory} as they
 * arrive, and given back once the whole request is handed on or the connection is cut.
 */
final class RequestBody {

    /**
     * The pieces a body may come in: its chunks, or the reads a plain body arrives in. Each piece
     * costs the decoder, this guard and the aggregator a pass whatever its size: a body of 1-byte
     * chunks cost the event loop ~1 ms of CPU per KB, 90 to 170 times the same body in one piece,
     * and one of the public port's 390 KB bodies held its loop for 390 ms. Real clients chunk by
     * kilobytes. At least 4096 pieces, and as many as leave ~96 bytes a piece of the port's
     * largest body (the default body is ~394 KB): an operator who raises max-message-bytes must not
     * see a large body refused because a slow link delivered it in segment-sized reads.
     */
    static final int MIN_PIECES = 4096;
    private static final int MIN_PIECE_BYTES = 96;

    private final RequestMemory memory;
    private final int maxBytes;
    private final int maxPieces;
    private long bytes;
    private int pieces;
    private boolean chunked;
    private long reserved;

    RequestBody(RequestMemory memory, int maxBytes) {
        this.memory = memory;
        this.maxBytes = maxBytes;
        this.maxPieces = maxPieces(maxBytes);
    }

    static int maxPieces(int maxBytes) {
        return Math.max(MIN_PIECES, maxBytes / MIN_PIECE_BYTES);
    }

    /** A new request's body begins (its bytes count from zero); {@code chunked} names its framing in a refusal. */
    void start(boolean chunked) {
        bytes = 0;
        pieces = 0;
        this.chunked = chunked;
    }

    /**
     * Counts and reserves one more piece of {@code count} bytes; the refusal when it passes the body
     * limit, the pieces a body may come in, or the port's memory.
     */
    GuardRefusal admit(int count) {
        bytes += count;
        if (bytes > maxBytes) {
            return GuardRefusal.bodyTooLarge(maxBytes);
        }
        if (count > 0 && ++pieces > maxPieces) { // the empty end of a chunked body is no piece
            return GuardRefusal.tooManyPieces(maxPieces, chunked);
        }
        if (!memory.tryReserve(count)) {
            return GuardRefusal.busy(memory);
        }
        reserved += count;
        return null;
    }

    /** Gives back what this connection reserved: its request was handed on whole, or the connection ends. */
    void release() {
        memory.release(reserved);
        reserved = 0;
    }

    /**
     * A body piece that arrived in a small read is a slice of a larger read buffer, and keeps all
     * of it alive while the aggregator holds the piece: copied out, it holds only its own bytes,
     * so the bytes {@link RequestMemory} counts are the bytes held. Releases {@code content} when
     * it returns a copy.
     */
    static HttpContent compact(HttpContent content, ByteBufAllocator alloc) {
        ByteBuf data = content.content();
        ByteBuf holder = data.unwrap() != null ? data.unwrap() : data;
        int count = data.readableBytes();
        if (count == 0 || holder.capacity() <= 2 * count + 1024) {
            return content;
        }
        HttpContent copy = content.replace(alloc.buffer(count, count).writeBytes(data, data.readerIndex(), count));
        content.release();
        return copy;
    }
}
