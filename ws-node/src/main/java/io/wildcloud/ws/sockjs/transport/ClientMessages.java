package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Passes what a websocket's client sends to the service, one batch after the other: the service's
 * stages may complete out of order (they wait on the store), and a session's messages must reach
 * it in the order sent. Event loop only.
 *
 * <p>Bounded: reading from the socket stops while a batch waits (auto-read off, and no read asked
 * for from behind {@link ControlFrameBudget}; TCP pushes back on the client), so what waits here is
 * at most the frames of the read in hand (Netty reads at most 64 KiB at a time) and one message
 * being aggregated, however long the service waits (a store stall: up to the engine's stall
 * bound). A batch the service failed on is not retried here: the service already
 * waited as long as the session outlives its store. The batches behind it are not handed on (they
 * would overtake it); {@code notTaken} hears of it once, to close the session and tell the client.
 */
final class ClientMessages {

    private final ChannelHandlerContext ctx;
    private final SockJsService service;
    private final SockJsMetrics metrics;
    private final Consumer<Throwable> notTaken;
    private int pending;
    /** The last batch handed on: {@code true} while every batch so far was taken; the next waits for it. */
    private CompletionStage<Boolean> tail = CompletableFuture.completedFuture(true);

    ClientMessages(ChannelHandlerContext ctx, SockJsService service, SockJsMetrics metrics,
            Consumer<Throwable> notTaken) {
        this.ctx = ctx;
        this.service = service;
        this.metrics = metrics;
        this.notTaken = notTaken;
    }

    void deliver(SockJsSession session, List<String> messages) {
        metrics.messagesReceived(messages.size());
        pending++;
        holdReads(true);
        tail = tail.thenCompose(taken -> taken ? handOn(session, messages) : CompletableFuture.completedFuture(false));
        tail.whenComplete((taken, error) -> SockJsRuntime.onLoop(ctx, () -> {
            // A session whose messages were not taken is closing: reading on would only drop more.
            if (--pending == 0 && Boolean.TRUE.equals(taken)) {
                holdReads(false);
            }
        }));
    }

    private void holdReads(boolean held) {
        ControlFrameBudget budget = ctx.pipeline().get(ControlFrameBudget.class);
        if (budget != null) {
            budget.holdReads(held);
        }
        // After the budget lets reads through again: turning auto-read on asks for one at once.
        ctx.channel().config().setAutoRead(!held);
    }

    private CompletionStage<Boolean> handOn(SockJsSession session, List<String> messages) {
        CompletionStage<Void> handled;
        try {
            handled = service.onMessages(session, messages);
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        return handled.handle((ignored, error) -> {
            if (error == null) {
                return true;
            }
            SockJsRuntime.onLoop(ctx, () -> notTaken.accept(error));
            return false;
        });
    }
}
