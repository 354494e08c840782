package io.wildcloud.ws.engine.redis;

import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the Redis engine tells the node's metrics, without depending on a metrics library. Meters
 * are resolved once per script or command name, so a call costs a clock read and a record.
 */
public interface RedisMetrics {

    /** Records nothing. */
    RedisMetrics NONE = new RedisMetrics() {
    };

    /** Records the calls of one Lua script or plain command. Called on Redisson's threads: quick, non-blocking. */
    @FunctionalInterface
    interface CommandMeter {

        CommandMeter NONE = (nanos, failed) -> { };

        /** One call answered (or failed, {@code failed}) after {@code nanos}, queueing in the node included. */
        void record(long nanos, boolean failed);

        /** Makes the call and records it when its stage completes. */
        default <T> CompletionStage<T> time(Supplier<? extends CompletionStage<T>> call) {
            long started = System.nanoTime();
            return call.get().whenComplete((answer, error) -> record(System.nanoTime() - started, error != null));
        }
    }

    /** The meter of the script {@code name} (the file name under {@code resources/redis}, without {@code .lua}). */
    default CommandMeter script(String name) {
        return CommandMeter.NONE;
    }

    /**
     * The meter of a plain Redis command the engine sends itself, not through a script:
     * {@code publish} (presence pings), {@code subscribe}, {@code unsubscribe}, {@code zadd},
     * {@code get}, {@code hget}, {@code del}, {@code pexpire}.
     */
    default CommandMeter command(String name) {
        return CommandMeter.NONE;
    }

    /**
     * Called once at start with what to read at scrape time: how many wake-up channels this node is
     * subscribed to (its one, once Redis confirmed it), and whether its presence subscription was
     * found up by the last check.
     */
    default void subscriptions(IntSupplier wakeupChannels, BooleanSupplier presenceUp) {
    }

    /**
     * Called once at start with what to read at scrape time: whether Redis answers the store's
     * commands (none waited past the stall threshold), whether it refuses writes for want of
     * memory, and how long the oldest unanswered command has waited (ms).
     */
    default void storeHealth(BooleanSupplier answering, BooleanSupplier full, LongSupplier unansweredMillis) {
    }

    /**
     * A takeover of a dead node ({@code NodeRoster}) came after its sessions' keys could have
     * expired unrenewed: {@code sessions} found gone were heard of as ended although some may have
     * ended normally (and been heard of) before.
     */
    default void takeoverLate(int sessions) {
    }

    /**
     * What became of a write Redis left unanswered past the stall bound and the node kept sending:
     * a release ({@code PendingReleases}) or the end of a session whose connection is gone
     * ({@code SessionEnds}).
     */
    enum Kept {
        /** Kept, to be sent again until Redis answers. */
        KEPT,
        /** Answered at last: a release's session in the expiry index, an end's heard of by the application. */
        MADE_LATE,
        /**
         * Given up (too many kept, or a hold TTL passed): its keys lapse with the hold TTL, and the
         * application hears of its end only from the node that takes this one over, if one does.
         */
        GIVEN_UP,
        /** Refused at once, never sent: too many waiting already (an end past {@code SessionEnds.MAX_QUEUED}). */
        REFUSED
    }

    /** One release Redis left unanswered past the stall bound came to {@code outcome}. */
    default void keptRelease(Kept outcome) {
    }

    /** One session end Redis left unanswered past the stall bound came to {@code outcome}. */
    default void keptEnd(Kept outcome) {
    }
}
