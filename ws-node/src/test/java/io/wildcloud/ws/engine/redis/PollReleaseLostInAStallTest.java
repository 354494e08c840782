package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A poll's release, sent after its answer, that Redis leaves unanswered past the stall bound: the
 * node must not forget the slot its receiver still holds in Redis. Once Redis answers again, the
 * client's next poll through another node attaches (not BUSY, which the client hears as 2010, for
 * as long as the hold lasts), gets the later message and not the answered one again, and the
 * session, left idle, ends with an expiry notice (not silently at the hold TTL).
 *
 * <p>Two faults, the two outcomes of "no answer, may have run": a stall (SIGSTOP of the test's own
 * redis-server), whose unanswered sends wait in the socket and run once it goes on; and writes
 * paused ({@code CLIENT PAUSE WRITE}) then the clients' connections cut ({@code CLIENT KILL TYPE
 * normal}, as a proxy, a failover or a lost network does), which drops the sends unrun. Until the
 * fix the node forgot the slot when its release gave up: after the second fault the other node's
 * claim found it held by a live node, BUSY until the keys lapsed unnoticed at the hold TTL.
 */
class PollReleaseLostInAStallTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Stall bound 6 s (two thirds): the keys of a session claimed just before the stall live 9 s. */
    private static final Duration HOLD_TTL = Duration.ofSeconds(9);

    @AutoClose
    private final Closing cleanup = new Closing();

    @Test
    void aReleaseWhoseSendsRanLateAfterAStallPastTheBoundLeavesTheSessionGoingOn() throws Exception {
        pollAnsweredThenReleasedThrough(new Fault() {
            @Override
            public void begin(RedisServerProcess redis) {
                redis.suspend();
            }

            @Override
            public void end(RedisServerProcess redis) {
                redis.resume();
            }
        }, NextPoll.OTHER_NODE);
    }

    @Test
    void aReleaseWhoseSendsWereDroppedUnrunPastTheBoundIsSentAgainOnceRedisAnswers() throws Exception {
        pollAnsweredThenReleasedThrough(DROPPED_UNRUN, NextPoll.OTHER_NODE);
    }

    /** Until the fix the node took its own forgotten holder's slot over, and the claim gave the answered message again. */
    @Test
    void theNextPollOnTheSameNodeWaitsForTheReleaseInsteadOfGettingTheAnswerAgain() throws Exception {
        pollAnsweredThenReleasedThrough(DROPPED_UNRUN, NextPoll.SAME_NODE);
    }

    /**
     * The node stops (SIGTERM: its engine closes) as soon as Redis answers again: it makes the
     * release before it goes. Without that (the close not waiting for kept releases) the other node
     * judged the stopped holder dead and took the slot over, and the claim gave the answered message
     * again.
     */
    @Test
    void aNodeThatStopsWithAReleaseKeptMakesItBeforeItGoes() throws Exception {
        pollAnsweredThenReleasedThrough(DROPPED_UNRUN, NextPoll.OTHER_NODE_ONCE_THE_FIRST_STOPPED);
    }

    /** Where the client's next poll goes once the fault is over. */
    private enum NextPoll { OTHER_NODE, SAME_NODE, OTHER_NODE_ONCE_THE_FIRST_STOPPED }

    private static final Fault DROPPED_UNRUN = new Fault() {
        @Override
        public void begin(RedisServerProcess redis) {
            assertEquals("OK", redis.command("CLIENT", "PAUSE", "60000", "WRITE"));
        }

        @Override
        public void end(RedisServerProcess redis) {
            // The nodes' command connections go with what they sent (the pub/sub ones stay: both
            // nodes still live), then writes run again.
            redis.command("CLIENT", "KILL", "TYPE", "normal");
            assertEquals("OK", redis.command("CLIENT", "UNPAUSE"));
        }
    };

    /** A fault of the test's own Redis that leaves commands unanswered from {@link #begin} to {@link #end}. */
    private interface Fault {
        void begin(RedisServerProcess redis) throws Exception;

        void end(RedisServerProcess redis) throws Exception;
    }

    private void pollAnsweredThenReleasedThrough(Fault fault, NextPoll nextPoll) throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("pollrelease"))
                .withSweepInterval(Duration.ofMillis(100))
                .withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
        Map<RedisMetrics.Kept, AtomicInteger> keptReleases = new ConcurrentHashMap<>();
        RedisMetrics counting = new RedisMetrics() {
            @Override
            public void keptRelease(Kept outcome) {
                keptReleases.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
            }
        };
        RedisEngine first = Waits.join(TestEngines.connect(config, "n1", counting), WAIT);
        // Once the test closes it itself (a node that stops), cleaned up by waiting for that close.
        AtomicReference<CompletableFuture<Void>> stopping = new AtomicReference<>();
        cleanup.add(() -> {
            if (stopping.get() == null) {
                first.close();
            } else {
                stopping.get().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        RedisEngine second = Waits.join(TestEngines.connect(config, "n2"), WAIT);
        cleanup.add(second);
        List<SessionKey> expired = new CopyOnWriteArrayList<>();
        first.setExpiryListener(expired::add);
        second.setExpiryListener(expired::add);

        SessionKey key = new SessionKey("echo", "lost-release");
        CollectingReceiver opener = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        assertEquals(Claim.Outcome.OPENED,
                Waits.join(first.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, opener), WAIT).outcome());
        Waits.join(first.release(key, opener.id(), 0, Duration.ofSeconds(2)), WAIT);
        assertEquals(EnqueueResult.QUEUED, Waits.join(first.enqueue(key, List.of("answered")), WAIT));

        // The poll finds the message, answers it, then releases: Redis stops before the release.
        CollectingReceiver poll = new CollectingReceiver(new ReceiverId("n1", 2), new CopyOnWriteArrayList<>());
        Claim claim = Waits.join(first.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, poll), WAIT);
        assertEquals(List.of("answered"), bodies(claim.pending()));
        CompletableFuture<Void> release;
        fault.begin(redis);
        try {
            release = first.release(key, poll.id(), 1, Duration.ofSeconds(2)).toCompletableFuture();
            Waits.await(release::isDone, "the release never gave up", WAIT);
            assertTrue(release.isCompletedExceptionally(), "the release was answered during the stall");
            TimeUnit.MILLISECONDS.sleep(300); // the fault itself, past the release's giving up
        } finally {
            fault.end(redis);
        }

        // The client's next poll as soon as Redis answers: a busy slot is asked again over ~0.7 s
        // (SessionLifetime) before the client hears 2010. A stopping node (SIGTERM: the drain closes
        // its engine) does not hold the client's next poll back: that goes through another node at
        // once. Made only once the close had returned (1.0-2.1 s, its steps after the release
        // included), it came past the release's 2 s disconnect delay in 2 runs of 5, and claim.lua
        // ended the session as expired: OPENED.
        if (nextPoll == NextPoll.OTHER_NODE_ONCE_THE_FIRST_STOPPED) {
            stopping.set(CompletableFuture.runAsync(first::close));
        }
        RedisEngine nextNode = nextPoll == NextPoll.SAME_NODE ? first : second;
        CollectingReceiver next = new CollectingReceiver(new ReceiverId(nextNode.nodeId(), 3),
                new CopyOnWriteArrayList<>());
        Claim again = claimWithBusyRetries(nextNode, key, next);
        assertEquals(Claim.Outcome.ATTACHED, again.outcome(), "the next poll through " + nextNode.nodeId());
        assertEquals(List.of(), bodies(again.pending()), "the answered message came again");
        if (stopping.get() != null) {
            Waits.join(stopping.get(), WAIT);
        }
        assertEquals(EnqueueResult.QUEUED, Waits.join(nextNode.enqueue(key, List.of("later")), WAIT));
        Waits.await(() -> bodies(next.got()).contains("later"), "the later message never came", WAIT);
        assertEquals(List.of("later"), bodies(next.got()));

        // Released and left idle, the session ends with a notice (not at the hold TTL, silently).
        Waits.join(nextNode.release(key, next.id(), 2, Duration.ofMillis(500)), WAIT);
        Waits.await(() -> expired.contains(key), "the idle session ended unnoticed", WAIT);
        assertEquals(List.of(key), expired);
        assertEquals("{KEPT=1, MADE_LATE=1}", new TreeMap<>(keptReleases).toString(), "the kept releases' meter");
    }

    /** As a poll's receiver asks: again after 25, 50, 100, 200 and 300 ms while the slot is busy. */
    private static Claim claimWithBusyRetries(RedisEngine node, SessionKey key, CollectingReceiver receiver)
            throws Exception {
        Claim claim = null;
        for (long pause : new long[] {25, 50, 100, 200, 300, 0}) {
            claim = Waits.join(node.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, receiver), WAIT);
            if (claim.outcome() != Claim.Outcome.BUSY) {
                return claim;
            }
            TimeUnit.MILLISECONDS.sleep(pause);
        }
        return claim;
    }

    private static List<String> bodies(List<QueuedMessage> messages) {
        List<String> bodies = new ArrayList<>();
        messages.forEach(message -> bodies.add(message.message()));
        return bodies;
    }
}
