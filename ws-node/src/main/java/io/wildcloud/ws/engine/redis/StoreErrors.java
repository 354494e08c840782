package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Turns whatever Redisson failed with into the contract's {@link StoreUnavailableException}. */
final class StoreErrors {

    private StoreErrors() {
    }

    /** A failed stage saying that {@code what} (e.g. "claim echo/s1") failed because of {@code error}. */
    static <T> CompletionStage<T> failed(String what, Throwable error) {
        return CompletableFuture.failedFuture(unavailable(what, error));
    }

    static StoreUnavailableException unavailable(String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof StoreUnavailableException unavailable) {
            return unavailable;
        }
        return new StoreUnavailableException(what + " failed: " + redacted(cause.toString()), cause);
    }

    /**
     * Redisson's timeout messages list the command's parameters: Redis keys and script arguments,
     * which hold socket ids (bearer tokens) and messages. Logs get the rest of the message only.
     */
    static String redacted(String message) {
        return PARAMS.matcher(message).replaceAll("params: <redacted>");
    }

    private static final java.util.regex.Pattern PARAMS =
            java.util.regex.Pattern.compile("params: \\[.*?\\](?=, Redis client|, channel|$)|params: \\[.*$");
}
