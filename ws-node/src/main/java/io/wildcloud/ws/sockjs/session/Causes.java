package io.wildcloud.ws.sockjs.session;

import java.util.concurrent.CompletionException;

/**
 * What a failed stage failed with, its {@link CompletionException} wrappers taken off: the stores'
 * stages, and every stage built on them, fail that way when a step in between threw.
 */
public final class Causes {

    private Causes() {
    }

    /** {@code error} without the {@link CompletionException}s around it (one without a cause stays). */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
