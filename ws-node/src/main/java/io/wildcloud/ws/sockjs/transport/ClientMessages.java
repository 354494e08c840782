package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes what a websocket's client sends to the service, one batch after the other: the service's
 * stages may complete out of order (they wait on the store), and a session's messages must reach
 * it in the order sent. Reading from the socket stops while batches wait. Event loop only.
 */
final class ClientMessages {

    private static final Logger log = LoggerFactory.getLogger(ClientMessages.class);

    private final ChannelHandlerContext ctx;
    private final SockJsService service;
    private final SockJsMetrics metrics;
    private int pending;
    /** The last batch handed to the service; the next waits for it. */
    private CompletionStage<Void> tail = CompletableFuture.completedFuture(null);

    ClientMessages(ChannelHandlerContext ctx, SockJsService service, SockJsMetrics metrics) {
        this.ctx = ctx;
        this.service = service;
        this.metrics = metrics;
    }

    void deliver(SockJsSession session, List<String> messages) {
        metrics.messagesReceived(messages.size());
        pending++;
        ctx.channel().config().setAutoRead(false);
        tail = tail
                .thenCompose(previous -> service.onMessages(session, messages))
                .handle((ignored, error) -> {
                    SockJsRuntime.onLoop(ctx, () -> {
                        if (error != null) {
                            log.warn("{} {}: service failed on messages", ctx.channel(), session, error);
                        }
                        if (--pending == 0) {
                            ctx.channel().config().setAutoRead(true);
                        }
                    });
                    return null;
                });
    }
}
