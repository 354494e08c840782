package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.edge.LoopFlushes;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;
import java.util.function.Function;

/**
 * A streaming request (xhr_streaming, eventsource, htmlfile): one response that carries a prelude,
 * then one frame per HTTP chunk as frames come, until the response limit or a close. Written
 * messages are acknowledged in coalesced batches; the slot is released before the response ends.
 *
 * <p>HTTP/1.1 gets a chunked response (and keeps the connection after the terminating chunk);
 * HTTP/1.0 gets a raw body ended by closing the connection.
 */
final class StreamingReceiver extends HttpReceiver {

    private final Function<ChannelHandlerContext, ByteBuf> prelude;
    private long bytesWritten;
    private boolean begun;

    StreamingReceiver(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key,
            SockJsRuntime runtime, TransportType type, FrameFormat format,
            Function<ChannelHandlerContext, ByteBuf> prelude) {
        super(ctx, request, endpoint, key, runtime, type, format);
        this.prelude = prelude;
        acknowledgeWith(new Acknowledger(ctx, store, key, id()));
    }

    void start() {
        start(ClaimMode.STREAM);
    }

    @Override
    public void opened() {
        begin();
        write(SockJsFrame.open());
        scheduleHeartbeat();
        activate();
    }

    @Override
    public void openRefused(SockJsFrame refusal) {
        begin();
        closed(refusal);
    }

    @Override
    public void attached(List<QueuedMessage> pending, SockJsFrame closeFrame) {
        begin();
        if (!pending.isEmpty()) {
            write(Frames.messagesText(pending));
        }
        if (closeFrame != null) {
            closed(closeFrame);
        } else if (!endIfLimitReached()) {
            scheduleHeartbeat();
        }
    }

    @Override
    public void refused(SockJsFrame frame) {
        if (frame == null) {
            sendNotFound();
            return;
        }
        begin();
        write(frame);
        finish();
    }

    @Override
    public void messages(List<QueuedMessage> messages) {
        write(Frames.messagesText(messages));
        endIfLimitReached();
    }

    @Override
    public void closed(SockJsFrame closeFrame) {
        write(closeFrame);
        end();
    }

    @Override
    public void heartbeat() {
        write(SockJsFrame.heartbeat());
        if (!endIfLimitReached()) {
            scheduleHeartbeat();
        }
    }

    @Override
    public void drained() {
        // The terminating chunk without a close frame: the client reopens the stream, elsewhere.
        end();
    }

    @Override
    public void storeFailed() {
        if (!begun) {
            sendStoreUnavailable();
        } else {
            // The response is half written: only closing the connection tells the client.
            ctx.close();
        }
    }

    private boolean endIfLimitReached() {
        if (bytesWritten < endpoint.options().responseLimit()) {
            return false;
        }
        end();
        return true;
    }

    private void end() {
        releaseThen(this::finish);
    }

    private void begin() {
        begun = true;
        HttpResponse response = new DefaultHttpResponse(request.version(), HttpResponseStatus.OK);
        commonHeaders(response);
        if (request.isHttp10()) {
            // No chunking in HTTP/1.0 and no length known: the end of the body is the end of the connection.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setTransferEncodingChunked(response, true);
            HttpUtil.setKeepAlive(response, request.keepAlive());
        }
        ctx.write(response, ctx.voidPromise());
        ByteBuf first = prelude.apply(ctx);
        ctx.writeAndFlush(new DefaultHttpContent(first), ctx.voidPromise());
    }

    // One frame per chunk, flushed with the other writes of this loop iteration (see LoopFlushes).
    private void write(SockJsFrame frame) {
        write(frame.text());
    }

    private void write(CharSequence frameText) {
        ByteBuf buf = format.encode(ctx.alloc(), frameText);
        bytesWritten += buf.readableBytes();
        ctx.write(new DefaultHttpContent(buf), ctx.voidPromise());
        LoopFlushes.flushSoon(ctx);
    }

    private void finish() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (request.isHttp10() || !request.keepAlive()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        }
    }

    static ByteBuf ascii(ChannelHandlerContext ctx, String text) {
        ByteBuf buf = ctx.alloc().directBuffer(text.length());
        buf.writeCharSequence(text, io.netty.util.CharsetUtil.US_ASCII);
        return buf;
    }

    /**
     * A prelude that never changes, kept in one direct buffer for the node's life: each response
     * writes a duplicate, whose release by the encoder frees nothing. (A wrapped NIO buffer stays
     * outside the allocators and their leak tracking.)
     */
    static Function<ChannelHandlerContext, ByteBuf> constantPrelude(String text) {
        byte[] bytes = text.getBytes(io.netty.util.CharsetUtil.US_ASCII);
        ByteBuf shared = io.netty.buffer.Unpooled.unreleasableBuffer(io.netty.buffer.Unpooled.wrappedBuffer(
                java.nio.ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()).asReadOnly());
        return ignored -> shared.duplicate();
    }
}
