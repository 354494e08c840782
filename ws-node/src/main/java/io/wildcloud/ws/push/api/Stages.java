package io.wildcloud.ws.push.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A stage's value when it already has one: the memory engine answers a publish at once, and the
 * stages and lambdas chained on a done stage would only be made, run on the spot and dropped, a
 * tenth of what a publish allocated (JFR, issue 17).
 */
final class Stages {

    private Stages() {
    }

    /** {@code stage}'s value if it completed normally already (never {@code null} then); else {@code null}. */
    static <T> T doneNow(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> future && future.isDone() && !future.isCompletedExceptionally()) {
            return future.getNow(null);
        }
        return null;
    }

    /** {@code error} as a stage's failure: itself if it is one already, else wrapped. */
    static CompletionException wrapped(Throwable error) {
        return error instanceof CompletionException done ? done : new CompletionException(error);
    }
}
