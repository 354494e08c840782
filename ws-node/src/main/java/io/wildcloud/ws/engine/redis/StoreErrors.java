package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;

/**
 * Turns whatever Redisson failed with into the contract's {@link StoreUnavailableException}: a
 * {@link StoreFullException} when Redis refused a write for want of memory, a
 * {@link StoreOutcomeUnknownException} when a write got no answer (it may have run).
 */
final class StoreErrors {

    /** What Redis answers a write it refuses at {@code maxmemory} with {@code noeviction}. */
    static final String OUT_OF_MEMORY = "OOM command not allowed";

    private StoreErrors() {
    }

    /** A failed stage saying that {@code what} (e.g. "claim echo/s1") failed because of {@code error}. */
    static <T> CompletionStage<T> failed(String what, Throwable error) {
        return CompletableFuture.failedFuture(unavailable(what, error));
    }

    /** As {@link #failed}, for a write whose outcome is unknown when Redis did not answer it. */
    static <T> CompletionStage<T> failedWrite(String what, Throwable error) {
        return CompletableFuture.failedFuture(write(what, error));
    }

    static StoreUnavailableException unavailable(String what, Throwable error) {
        Throwable cause = Causes.unwrap(error);
        if (cause instanceof StoreUnavailableException unavailable) {
            return unavailable;
        }
        if (isOutOfMemory(cause)) {
            return new StoreFullException(what + " refused: Redis is out of memory (" + redacted(String.valueOf(cause.getMessage())) + ")", cause);
        }
        return new StoreUnavailableException(what + " failed: " + redacted(cause.toString()), cause);
    }

    static StoreUnavailableException write(String what, Throwable error) {
        Throwable cause = Causes.unwrap(error);
        if (!(cause instanceof StoreUnavailableException) && unanswered(cause)) {
            return new StoreOutcomeUnknownException(what + " got no answer, it may have run: " + redacted(cause.toString()), cause);
        }
        return unavailable(what, error);
    }

    /** Whether {@code error} is Redis refusing a write at {@code maxmemory}. */
    static boolean isOutOfMemory(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof RedisOutOfMemoryException
                    || (e.getMessage() != null && e.getMessage().contains(OUT_OF_MEMORY))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code error} means that a command went out and no answer came (a timeout, a lost
     * connection), rather than an error Redis answered or a command never handed to Redisson.
     */
    static boolean unanswered(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof RedisTimeoutException || e instanceof RedisConnectionException
                    || e instanceof RedisRetryException || e instanceof RedisReconnectedException
                    || e instanceof RedissonShutdownException) {
                return true;
            }
        }
        return false;
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
