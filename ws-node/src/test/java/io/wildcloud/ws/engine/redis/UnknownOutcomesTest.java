package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

/** A write that got no answer is sent again, as it was, within the bound; any other failure is final. */
class UnknownOutcomesTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void anUnansweredWriteIsSentAgainUntilItIsAnswered() throws Exception {
        AtomicInteger sends = new AtomicInteger();
        UnknownOutcomes unknown = new UnknownOutcomes(timer, Duration.ofSeconds(10));
        String answer = unknown.resolve("claim x", () -> sends.incrementAndGet() < 3
                ? CompletableFuture.<String>failedFuture(new RedisTimeoutException("no answer"))
                : CompletableFuture.completedFuture("taken")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("taken", answer);
        assertEquals(3, sends.get());
    }

    @Test
    void anAnsweredErrorIsNotSentAgain() {
        AtomicInteger sends = new AtomicInteger();
        Throwable cause = failure(new UnknownOutcomes(timer, Duration.ofSeconds(10)), new RedisException("ERR"), sends);
        assertInstanceOf(RedisException.class, cause);
        assertEquals(1, sends.get());
    }

    @Test
    void sendsStopWhenTheBoundHasPassed() {
        AtomicInteger sends = new AtomicInteger();
        Throwable cause = failure(new UnknownOutcomes(timer, Duration.ofMillis(100)),
                new RedisTimeoutException("no answer"), sends);
        assertInstanceOf(RedisTimeoutException.class, cause);
        // The pause before a second send (250 ms) would end past the bound.
        assertEquals(1, sends.get());
    }

    // What a write that always fails with {@code error} comes to, counting its sends.
    private static Throwable failure(UnknownOutcomes unknown, Throwable error, AtomicInteger sends) {
        return assertThrows(ExecutionException.class, () -> unknown.resolve("write", () -> {
            sends.incrementAndGet();
            return CompletableFuture.failedFuture(error);
        }).toCompletableFuture().get(5, TimeUnit.SECONDS)).getCause();
    }

    @Test
    void theBoundIsTheStallSessionsOutliveAndTheClaimsReplyKeyOutlivesItsLastSend() {
        RedisEngineConfig config = RedisEngineConfig.of("redis://127.0.0.1:6390");
        // Two thirds of the 60 s hold TTL, the 40 s expiry margin: 40 s.
        assertEquals(Duration.ofSeconds(40), UnknownOutcomes.boundFor(config));
        assertEquals(Duration.ofSeconds(20), UnknownOutcomes.boundFor(config.withHoldTtl(Duration.ofSeconds(30))));
        Duration lastSendAnswered = UnknownOutcomes.boundFor(config)
                .plus(config.commandTimeout().multipliedBy(config.retryAttempts() + 1L));
        assertTrue(ReplyKeys.claimTtlFor(config).compareTo(lastSendAnswered.plusSeconds(10)) >= 0,
                ReplyKeys.claimTtlFor(config) + " leaves no margin after " + lastSendAnswered);
    }
}
