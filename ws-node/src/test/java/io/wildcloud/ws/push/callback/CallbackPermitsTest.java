package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CallbackPermitsTest {

    private static final CallbackPolicy POLICY = new CallbackPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMillis(10), Duration.ofMillis(10), 8, 2).withMaxConcurrencyPerApplication(3);

    @Test
    void anApplicationHoldsAtMostItsShareHoweverManyOriginsItNames() {
        CallbackPermits permits = new CallbackPermits(POLICY);
        List<CompletableFuture<CallbackPermits.Held>> hostile = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hostile.add(permits.acquire(target("hostile", "http://10.0.0." + i + ":80/cb")).toCompletableFuture());
        }
        assertEquals(3, hostile.stream().filter(CompletableFuture::isDone).count());
        CompletableFuture<CallbackPermits.Held> other = permits.acquire(target("other", "http://10.1.0.1/cb"))
                .toCompletableFuture();
        assertTrue(other.isDone(), "another application takes a permit the hostile one could not");

        hostile.get(0).join().release();
        assertTrue(hostile.get(3).isDone(), "a waiter of the application's own takes the permit given back");
        assertFalse(hostile.get(4).isDone());
    }

    /**
     * review5: with the origin's permit taken first, a hostile application's attempts waiting for
     * its own share held the permits of an origin it named that another application uses.
     */
    @Test
    void anApplicationWaitingForItsShareHoldsNoOriginAnotherApplicationUses() {
        CallbackPermits permits = new CallbackPermits(POLICY);
        for (int i = 0; i < 3; i++) {
            permits.acquire(target("hostile", "http://10.0.0." + i + "/hang"));
        }
        String shared = "http://10.9.9.9/cb";
        permits.acquire(target("hostile", shared));
        permits.acquire(target("hostile", shared));
        assertTrue(permits.acquire(target("victim", shared)).toCompletableFuture().isDone(),
                "the victim's callback waits behind the hostile application's waiters");
    }

    @Test
    void anOriginsLimiterIsForgottenOnceNothingHoldsOrWaitsForIt() {
        CallbackPermits permits = new CallbackPermits(POLICY.withMaxConcurrencyPerApplication(8));
        List<CompletableFuture<CallbackPermits.Held>> taken = new ArrayList<>();
        for (int port = 1; port <= 6; port++) {
            taken.add(permits.acquire(target("app", "http://10.0.0.1:" + port + "/cb")).toCompletableFuture());
        }
        // One origin at its bound of two: forgotten only once both are given back.
        String busy = "http://10.0.0.2/cb";
        CompletableFuture<CallbackPermits.Held> first = permits.acquire(target("app", busy)).toCompletableFuture();
        CompletableFuture<CallbackPermits.Held> second = permits.acquire(target("app", busy)).toCompletableFuture();
        assertTrue(first.isDone() && second.isDone());
        assertEquals(7, permits.originsKept());
        taken.forEach(held -> held.join().release());
        first.join().release();
        assertEquals(1, permits.originsKept(), "the busy origin is still held");
        second.join().release();
        assertEquals(0, permits.originsKept(), "an application may name any number of origins over time");
    }

    private static CallbackTarget target(String application, String callback) {
        return new CallbackTarget(URI.create(callback), application, "secret-secret-secret", "socket", "client");
    }
}
