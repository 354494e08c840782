package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How a batch's per-target answers are gathered (the Redis case is {@code PartlyPublishedBatchTest}). */
class PartlyPublishedExceptionTest {

    private static final Optional<Publication> NONE = Optional.empty();
    private final StoreFullException full = new StoreFullException("publish refused: out of memory", null);
    private final StoreOutcomeUnknownException unknown = new StoreOutcomeUnknownException("no answer", null);

    @Test
    void someFailedTheOthersAnswered() {
        Throwable error = failure(List.of(CompletableFuture.completedFuture(NONE), CompletableFuture.failedFuture(full)));
        PartlyPublishedException partly = assertInstanceOf(PartlyPublishedException.class, error);
        assertEquals(NONE, partly.answers().get(0));
        assertNull(partly.answers().get(1));
        assertNull(partly.errors().get(0));
        assertSame(full, partly.errors().get(1));
    }

    @Test
    void allFailedIsTheFailureAndAnUnknownOutcomeWinsOverOneThatQueuedNothing() {
        // A 507 says nothing was queued: not when another target's outcome is unknown.
        assertSame(unknown, failure(List.of(CompletableFuture.failedFuture(full), CompletableFuture.failedFuture(unknown))));
        assertSame(full, failure(List.of(CompletableFuture.failedFuture(full), CompletableFuture.failedFuture(full))));
    }

    @Test
    void allAnsweredIsTheList() {
        assertEquals(List.of(NONE, NONE), PartlyPublishedException.gather(List.of(CompletableFuture.completedFuture(NONE),
                CompletableFuture.completedFuture(NONE))).toCompletableFuture().join());
    }

    private static Throwable failure(List<CompletableFuture<Optional<Publication>>> targets) {
        try {
            PartlyPublishedException.gather(targets).toCompletableFuture().join();
        } catch (CompletionException e) {
            return Causes.unwrap(e);
        }
        throw new AssertionError("no failure");
    }
}
