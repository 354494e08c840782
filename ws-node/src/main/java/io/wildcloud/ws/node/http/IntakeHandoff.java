package io.wildcloud.ws.node.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps health checks off the busy event loops. Every connection starts on the node's intake loop,
 * one thread that only accepts work that is small by construction: reading request heads, the
 * guard's refusals, and {@code /health}. A health check is answered there; the first request that
 * is anything else moves the connection, for good, to a worker loop (deregistered from the intake
 * loop, registered with the next worker) with that request, and whatever was decoded behind it,
 * handed on there in order. So under a flood that keeps every worker loop busy, {@code /health}
 * still answers within a turn of the intake loop (measured: the time went to worker loops reaching
 * the new connection, issue 13).
 *
 * <p>Sits right after the request guard, which bounds the connection on the intake loop as on a
 * worker (its timer follows the connection). Netty 4.2 resets every handler context's executor on
 * registration, so the handlers behind this one run on the worker from the move on.
 */
public final class IntakeHandoff extends ChannelInboundHandlerAdapter {

    private final EventLoopGroup workers;
    /** Messages that arrived since the move began; {@code null} while not moving. */
    private List<Object> held;

    public IntakeHandoff(EventLoopGroup workers) {
        this.workers = workers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg);
        } else if (msg instanceof HttpRequest request && !HealthHandler.isHealthPath(request.uri())) {
            held = new ArrayList<>();
            held.add(msg);
            move(ctx);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held == null) {
            ctx.fireChannelReadComplete();
        }
    }

    private void move(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        channel.config().setAutoRead(false);
        ctx.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                abandon(channel);
                return;
            }
            workers.next().register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    abandon(channel);
                    return;
                }
                // On the worker loop now.
                List<Object> messages = held;
                held = null;
                ctx.pipeline().remove(this);
                // Reading on first (it asks for a read, none happens before this task ends): a
                // handler behind may stop it again for a request handed on here (PipelinedRequests).
                channel.config().setAutoRead(true);
                for (Object message : messages) {
                    ctx.fireChannelRead(message);
                }
                ctx.fireChannelReadComplete();
            });
        });
    }

    private void abandon(Channel channel) {
        List<Object> messages = held;
        held = null;
        // Null when the connection closed mid-move: handlerRemoved released them already.
        if (messages != null) {
            messages.forEach(ReferenceCountUtil::release);
        }
        channel.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            // Removed mid-move (the connection was refused or closed): nothing will be handed on.
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}
