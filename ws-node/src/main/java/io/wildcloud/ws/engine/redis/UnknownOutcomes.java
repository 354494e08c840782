package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write again, exactly as it was, while Redis has not answered it: after a stall the
 * first send may have run, and the caller must learn what it did before answering anyone. A poll
 * is the case in point: its claim takes the session's messages out of the queue and its release
 * acknowledges what it is about to write, so answering the client 503 after either got no answer
 * drops messages that the store may already have handed over. The socket look-up before a poll's
 * claim waits the same way (a read), so that the poll is not answered 503 before it claims, and so
 * do the socket reads before a client's messages go to their callback (socket_get for a
 * websocket's, socket_use for an xhr_send's): the connection already took those messages.
 *
 * <p>Only for calls a repeat cannot apply twice: a script that records its answer under its
 * call's reply key, sent again with the same key ({@link ReplyKeys}), one fenced by its holder
 * that only moves the acknowledged seq forward (release.lua), or a read (socket_get, socket_use:
 * they renew only TTLs, to the same values). The last
 * send starts before {@code bound} has passed since the first, and the reply key must outlive it
 * and that send's own attempts ({@link ReplyKeys#claimTtlFor}).
 */
final class UnknownOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownOutcomes.class);
    /** Between a send that got no answer (Redisson's own attempts spent) and the next. */
    static final Duration PAUSE = Duration.ofMillis(250);

    private final ScheduledExecutorService timer;
    private final Duration bound;

    UnknownOutcomes(ScheduledExecutorService timer, Duration bound) {
        this.timer = timer;
        this.bound = bound;
    }

    /**
     * How long one write may be sent again: as long as a stall the sessions outlive
     * ({@link RedisEngineConfig#stallBound()}), since the client that waits for it may go on.
     */
    static Duration boundFor(RedisEngineConfig config) {
        return config.stallBound();
    }

    /** Runs {@code write}, and again while it fails unanswered and the bound allows. */
    <T> CompletionStage<T> resolve(String what, Supplier<CompletionStage<T>> write) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, write, System.nanoTime() + bound.toNanos(), 1, result);
        return result;
    }

    private <T> void attempt(String what, Supplier<CompletionStage<T>> write, long deadline, int sends,
            CompletableFuture<T> result) {
        CompletionStage<T> sent;
        try {
            sent = write.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        sent.whenComplete((answer, error) -> {
            if (error == null) {
                if (sends > 1) {
                    LOG.info("{}: answered after {} sends", what, sends);
                }
                result.complete(answer);
            } else if (StoreErrors.unanswered(error) && System.nanoTime() + PAUSE.toNanos() < deadline) {
                LOG.info("{}: no answer, may have run; sending it again: {}", what,
                        StoreErrors.redacted(error.toString()));
                try {
                    timer.schedule(() -> attempt(what, write, deadline, sends + 1, result), PAUSE.toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RuntimeException rejected) { // the engine is closing
                    result.completeExceptionally(error);
                }
            } else {
                result.completeExceptionally(error);
            }
        });
    }
}
