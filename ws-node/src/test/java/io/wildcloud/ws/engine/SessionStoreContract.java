package io.wildcloud.ws.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.Claim.Outcome;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The {@link SessionStore} contract, one test per clause, run against every store by a subclass.
 * A subclass gives stores that share their sessions (one memory store; or Redis stores of several
 * "nodes" on one Redis with the test's own key prefix), each made with a queue bound of
 * {@link #MAX_QUEUE} messages and {@link #MAX_QUEUE_BYTES} bytes.
 */
public abstract class SessionStoreContract {

    /** The queue bound every store under test is made with. */
    protected static final int MAX_QUEUE = 8;
    /** The bound of a queue's bytes every store under test is made with. */
    protected static final int MAX_QUEUE_BYTES = 100_000;
    private static final int TENTH = MAX_QUEUE_BYTES / 10;
    /**
     * How long a test waits for what must happen (a wake-up, a close, an expiry): no promise of a
     * store, so generous. 10 s was too short once for an expiry on a Cluster whose test JVM was
     * starved (load ~18: a sweep's command not written for 2 s; likely the store-gap grace after).
     */
    protected static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SHORT_DELAY = Duration.ofMillis(300);
    /** A delay that the next steps of a test surely beat, even on a busy machine. */
    private static final Duration SAFE_DELAY = Duration.ofSeconds(2);
    private static final Duration LONG_DELAY = Duration.ofSeconds(60);
    private static final SockJsFrame GO_AWAY = SockJsFrame.close(3000, "Go away!");

    private final AtomicLong connections = new AtomicLong();
    private final Map<SessionKey, Integer> expired = new ConcurrentHashMap<>();

    /**
     * The store of node {@code nodeId}: the same instance for the same id within a test; every
     * store of a test sees the same sessions. The contract suite sets its expiry listener.
     */
    protected abstract SessionStore newStore(String nodeId);

    /** Whether stores of different node ids are separate nodes (so node death can be tested). */
    protected abstract boolean separateNodes();

    /**
     * A time a held session must outlive to show that holding it keeps it: longer than anything
     * that could end a held session unrenewed (a Redis hold's TTL). The memory store holds without
     * a clock, so a short time shows it.
     */
    protected Duration longerThanAHold() {
        return SHORT_DELAY;
    }

    /** Node {@code nodeId} dies: its store stops at once, releasing nothing. */
    protected void killNode(String nodeId) {
        throw new UnsupportedOperationException("single-node store");
    }

    private final Map<String, SessionStore> stores = new ConcurrentHashMap<>();

    protected SessionStore store(String nodeId) {
        return stores.computeIfAbsent(nodeId, id -> {
            SessionStore store = newStore(id);
            store.setExpiryListener(key -> expired.merge(key, 1, Integer::sum));
            return store;
        });
    }

    private SessionStore store() {
        return store("n1");
    }

    private RecordingReceiver receiver(String nodeId) {
        return new RecordingReceiver(nodeId, connections.incrementAndGet());
    }

    private static SessionKey key(String sessionId) {
        return new SessionKey("echo", sessionId);
    }

    protected static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("store call failed or timed out", e);
        }
    }

    private Claim claim(SessionStore store, SessionKey key, ClaimMode mode, RecordingReceiver receiver) {
        return join(store.claim(key, mode, Creation.CREATE_IF_MISSING, receiver));
    }

    private void release(SessionStore store, SessionKey key, RecordingReceiver receiver, long seq, Duration delay) {
        join(store.release(key, receiver.id(), seq, delay));
    }

    /** Opens a session and lets its slot go, so it exists with nobody holding it. */
    private void openIdle(SessionKey key) {
        RecordingReceiver opener = receiver("n1");
        assertEquals(Outcome.OPENED, claim(store(), key, ClaimMode.STREAM, opener).outcome());
        release(store(), key, opener, 0, LONG_DELAY);
    }

    private static List<String> texts(List<QueuedMessage> messages) {
        return messages.stream().map(QueuedMessage::message).toList();
    }

    private static List<String> numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "m" + i).toList();
    }

    // --- claim outcomes -------------------------------------------------------------------------

    @Test
    void claimOfMissingSessionOpensItAndHoldsTheSlot() {
        SessionKey key = key("open");
        RecordingReceiver receiver = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, receiver);
        assertEquals(Outcome.OPENED, claim.outcome());
        assertTrue(claim.pending().isEmpty());
        assertNull(claim.closeFrame());
        assertTrue(claim.holdsSlot(ClaimMode.STREAM));
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
        assertEquals(Outcome.BUSY, claim(store(), key, ClaimMode.STREAM, receiver("n1")).outcome());
    }

    @Test
    void claimOfReleasedSessionAttaches() {
        SessionKey key = key("attach");
        openIdle(key);
        Claim claim = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.ATTACHED, claim.outcome());
        assertTrue(claim.pending().isEmpty());
        assertNull(claim.closeFrame());
        assertTrue(claim.holdsSlot(ClaimMode.STREAM));
    }

    @Test
    void claimWhileALiveReceiverHoldsIsBusyAndChangesNothing() {
        SessionKey key = key("busy");
        RecordingReceiver holder = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, holder);
        RecordingReceiver other = receiver("n1");
        Claim busy = claim(store(), key, ClaimMode.POLL, other);
        assertEquals(Outcome.BUSY, busy.outcome());
        assertFalse(busy.holdsSlot(ClaimMode.POLL));
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of("x"))));
        Waits.await(() -> holder.count() == 1, holder::describe, WAIT);
        assertEquals(0, other.count());
    }

    @Test
    void createOnlyOfExistingSessionIsBusyAndChangesNothing() {
        SessionKey key = key("create-only");
        openIdle(key);
        join(store().enqueue(key, List.of("kept")));
        Claim claim = join(store().claim(key, ClaimMode.STREAM, Creation.CREATE_ONLY, receiver("n1")));
        assertEquals(Outcome.BUSY, claim.outcome());
        Claim later = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.ATTACHED, later.outcome());
        assertEquals(List.of("kept"), texts(later.pending()));
    }

    @Test
    void createOnlyOfMissingSessionOpensIt() {
        Claim claim = join(store().claim(key("fresh"), ClaimMode.STREAM, Creation.CREATE_ONLY, receiver("n1")));
        assertEquals(Outcome.OPENED, claim.outcome());
    }

    @Test
    void existingOnlyOfMissingSessionIsNotFoundAndCreatesNothing() {
        SessionKey key = key("absent");
        Claim claim = join(store().claim(key, ClaimMode.STREAM, Creation.EXISTING_ONLY, receiver("n1")));
        assertEquals(Outcome.NOT_FOUND, claim.outcome());
        assertFalse(claim.holdsSlot(ClaimMode.STREAM));
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
        openIdle(key);
        assertEquals(Outcome.ATTACHED,
                join(store().claim(key, ClaimMode.STREAM, Creation.EXISTING_ONLY, receiver("n1"))).outcome());
    }

    // --- POLL and STREAM ------------------------------------------------------------------------

    @Test
    void pollKeepsPendingMessagesUntilItReleasesWhatItWrote() {
        SessionKey key = key("poll");
        openIdle(key);
        join(store().enqueue(key, List.of("a", "b", "c")));
        RecordingReceiver first = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.POLL, first);
        assertEquals(Outcome.ATTACHED, claim.outcome());
        assertEquals(List.of(new QueuedMessage(1, "a"), new QueuedMessage(2, "b"), new QueuedMessage(3, "c")),
                claim.pending());
        // Held while it answers: a poll beside it is another connection still open.
        assertTrue(claim.holdsSlot(ClaimMode.POLL));
        assertEquals(Outcome.BUSY, claim(store(), key, ClaimMode.POLL, receiver("n1")).outcome());
        // Its answer went out: released with what it carried, the next poll finds the queue empty.
        release(store(), key, first, 3, LONG_DELAY);
        RecordingReceiver next = receiver("n1");
        Claim second = claim(store(), key, ClaimMode.POLL, next);
        assertEquals(Outcome.ATTACHED, second.outcome());
        assertTrue(second.pending().isEmpty());
        assertTrue(second.holdsSlot(ClaimMode.POLL));
        join(store().enqueue(key, List.of("d")));
        Waits.await(() -> next.count() == 1, next::describe, WAIT);
        assertEquals(List.of(new QueuedMessage(4, "d")), next.messages());
    }

    @Test
    void pollWhoseAnswerWasNotWrittenLeavesItsMessagesToTheNextPoll() {
        SessionKey key = key("poll-cut");
        openIdle(key);
        join(store().enqueue(key, List.of("a", "b")));
        RecordingReceiver cut = receiver("n1");
        assertEquals(List.of("a", "b"), texts(claim(store(), key, ClaimMode.POLL, cut).pending()));
        // The connection closed before the answer: released with nothing written.
        release(store(), key, cut, 0, LONG_DELAY);
        Claim resent = claim(store(), key, ClaimMode.POLL, receiver("n1"));
        assertEquals(List.of(new QueuedMessage(1, "a"), new QueuedMessage(2, "b")), resent.pending());
    }

    @Test
    void streamKeepsMessagesUntilAcknowledgedOrReleased() {
        SessionKey key = key("stream");
        openIdle(key);
        join(store().enqueue(key, numbered(1, 5)));
        RecordingReceiver first = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, first);
        assertEquals(numbered(1, 5), texts(claim.pending()));
        assertTrue(claim.holdsSlot(ClaimMode.STREAM));
        join(store().acknowledge(key, first.id(), 2));
        release(store(), key, first, 3, LONG_DELAY);
        // The stream wrote 3 of them: the next receiver gets 4 and 5 again, with their seqs.
        Claim again = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(List.of(new QueuedMessage(4, "m4"), new QueuedMessage(5, "m5")), again.pending());
    }

    @Test
    void anAcknowledgementStillOnItsWayCountsForTheReleaseThatFollowsIt() {
        SessionKey key = key("ack-then-release");
        openIdle(key);
        join(store().enqueue(key, numbered(1, 4)));
        RecordingReceiver first = receiver("n1");
        assertEquals(numbered(1, 4), texts(claim(store(), key, ClaimMode.STREAM, first).pending()));
        // Not awaited: a store may still hold it back to send with others when the release comes.
        CompletionStage<Void> acknowledged = store().acknowledge(key, first.id(), 2);
        release(store(), key, first, 0, LONG_DELAY);
        join(acknowledged);
        Claim again = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(List.of(new QueuedMessage(3, "m3"), new QueuedMessage(4, "m4")), again.pending());
    }

    @Test
    void acknowledgementsOfManySessionsAtOnceEachTrimTheirOwnQueue() {
        // Half in one scope, half in scopes of their own (other slots of a Redis Cluster).
        List<SessionKey> keys = IntStream.rangeClosed(1, 20)
                .mapToObj(i -> i % 2 == 0 ? key("many-" + i) : new SessionKey("scope-" + i, "many")).toList();
        List<RecordingReceiver> holders = new ArrayList<>();
        for (SessionKey key : keys) {
            openIdle(key);
            join(store().enqueue(key, numbered(1, 3)));
            RecordingReceiver holder = receiver("n1");
            claim(store(), key, ClaimMode.STREAM, holder);
            holders.add(holder);
        }
        List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            acknowledged.add(store().acknowledge(keys.get(i), holders.get(i).id(), 1 + i % 3).toCompletableFuture());
        }
        join(CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)));
        for (int i = 0; i < keys.size(); i++) {
            release(store(), keys.get(i), holders.get(i), 0, LONG_DELAY);
            List<String> left = texts(claim(store(), keys.get(i), ClaimMode.STREAM, receiver("n1")).pending());
            assertEquals(numbered(2 + i % 3, 3), left, keys.get(i).toString());
        }
    }

    @Test
    void releaseByAReceiverThatDoesNotHoldChangesNothing() {
        SessionKey key = key("stale-release");
        RecordingReceiver holder = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, holder);
        join(store().enqueue(key, List.of("x")));
        RecordingReceiver stranger = receiver("n1");
        release(store(), key, stranger, 1, SHORT_DELAY);
        join(store().acknowledge(key, stranger.id(), 1));
        assertEquals(Outcome.BUSY, claim(store(), key, ClaimMode.STREAM, receiver("n1")).outcome());
        release(store(), key, holder, 0, LONG_DELAY);
        assertEquals(List.of("x"), texts(claim(store(), key, ClaimMode.STREAM, receiver("n1")).pending()));
    }

    // --- receiver callbacks -------------------------------------------------------------------

    @Test
    void holderGetsQueuedMessagesInOrderUntilItReleases() {
        SessionKey key = key("callbacks");
        openIdle(key);
        join(store().enqueue(key, List.of("p1", "p2")));
        RecordingReceiver holder = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, holder);
        assertEquals(List.of("p1", "p2"), texts(claim.pending()));
        for (int i = 3; i <= 40; i++) {
            assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of("p" + i))));
            join(store().acknowledge(key, holder.id(), i - 2));
        }
        Waits.await(() -> holder.count() == 38, holder::describe, WAIT);
        List<QueuedMessage> got = holder.messages();
        for (int i = 0; i < got.size(); i++) {
            assertEquals(new QueuedMessage(i + 3, "p" + (i + 3)), got.get(i));
        }
        assertEquals(0, holder.overlaps());
        release(store(), key, holder, 40, LONG_DELAY);
        join(store().enqueue(key, List.of("after")));
        RecordingReceiver next = receiver("n1");
        assertEquals(List.of(new QueuedMessage(41, "after")), claim(store(), key, ClaimMode.STREAM, next).pending());
        assertEquals(38, holder.count());
    }

    @Test
    void messagesKeepEveryCharacter() {
        SessionKey key = key("chars");
        List<String> odd = List.of("", "ü€😀", "line\nbreak", "12:34|5", "\u0000\u2028\"'\\", "x".repeat(70_000));
        openIdle(key);
        join(store().enqueue(key, odd.subList(0, 3)));
        RecordingReceiver holder = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, holder);
        assertEquals(odd.subList(0, 3), texts(claim.pending()));
        join(store().enqueue(key, odd.subList(3, 6)));
        Waits.await(() -> holder.count() == 3, holder::describe, WAIT);
        assertEquals(odd.subList(3, 6), holder.texts());
    }

    // --- order across receivers and nodes ---------------------------------------------------------

    @Test
    void messagesReachSuccessiveReceiversOnAnyNodeInOrderOnceEach() {
        SessionKey key = key("order");
        String[] nodes = separateNodes() ? new String[] {"n1", "n2", "n3"} : new String[] {"n1"};
        openIdle(key);
        List<String> delivered = new ArrayList<>();
        int sent = 0;
        for (int round = 0; round < 12; round++) {
            SessionStore receiving = store(nodes[round % nodes.length]);
            SessionStore sending = store(nodes[(round + 1) % nodes.length]);
            ClaimMode mode = round % 3 == 0 ? ClaimMode.POLL : ClaimMode.STREAM;
            RecordingReceiver receiver = receiver(nodes[round % nodes.length]);
            Claim claim = claim(receiving, key, mode, receiver);
            assertEquals(Outcome.ATTACHED, claim.outcome(), "round " + round);
            delivered.addAll(texts(claim.pending()));
            long lastSeq = claim.pending().isEmpty() ? 0 : claim.pending().get(claim.pending().size() - 1).seq();
            if (mode == ClaimMode.POLL && lastSeq > 0) {
                release(receiving, key, receiver, lastSeq, LONG_DELAY); // a poll answers with what it found
                continue;
            }
            int batch = 1 + round % 3;
            for (int i = 0; i < batch; i++) {
                sent++;
                assertEquals(EnqueueResult.QUEUED, join(sending.enqueue(key, List.of("o" + sent))));
            }
            int expected = batch;
            Waits.await(() -> receiver.count() == expected, receiver::describe, WAIT);
            // A stream may end having written only part of what it got: the rest comes again.
            List<QueuedMessage> got = receiver.messages();
            int written = mode == ClaimMode.STREAM && got.size() > 1 ? got.size() - 1 : got.size();
            got.subList(0, written).forEach(m -> delivered.add(m.message()));
            long writtenSeq = got.get(written - 1).seq();
            assertTrue(writtenSeq > lastSeq);
            release(receiving, key, receiver, writtenSeq, LONG_DELAY);
            assertEquals(0, receiver.overlaps());
        }
        Claim last = claim(store(nodes[0]), key, ClaimMode.POLL, receiver(nodes[0]));
        delivered.addAll(texts(last.pending()));
        List<String> all = IntStream.rangeClosed(1, sent).mapToObj(i -> "o" + i).toList();
        assertEquals(all, delivered);
    }

    @Test
    void concurrentEnqueuesWhileReceiversMoveBetweenNodesLoseNothing() throws Exception {
        SessionKey key = key("race");
        String[] nodes = separateNodes() ? new String[] {"n1", "n2"} : new String[] {"n1"};
        SessionStore producerStore = store(separateNodes() ? "n3" : "n1");
        openIdle(key);
        int total = 300;
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= total; i++) {
                // The queue holds MAX_QUEUE: a full one is refused whole, so offer again until it fits.
                while (join(producerStore.enqueue(key, List.of("r" + i))) == EnqueueResult.QUEUE_FULL) {
                    Thread.onSpinWait();
                }
            }
        }, "contract-producer");
        producer.start();
        List<String> written = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.multipliedBy(3).toNanos();
        for (int round = 0; written.size() < total; round++) {
            assertTrue(System.nanoTime() < deadline, "only " + written.size() + " of " + total + " arrived");
            SessionStore receiving = store(nodes[round % nodes.length]);
            ClaimMode mode = round % 4 == 3 ? ClaimMode.POLL : ClaimMode.STREAM;
            RecordingReceiver receiver = receiver(nodes[round % nodes.length]);
            Claim claim = claim(receiving, key, mode, receiver);
            assertEquals(Outcome.ATTACHED, claim.outcome(), "round " + round);
            written.addAll(texts(claim.pending()));
            long lastSeq = claim.pending().isEmpty() ? 0 : claim.pending().get(claim.pending().size() - 1).seq();
            if (mode == ClaimMode.POLL && lastSeq > 0) {
                release(receiving, key, receiver, lastSeq, LONG_DELAY); // a poll answers with what it found
                continue;
            }
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            while (receiver.count() < 3 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            List<QueuedMessage> got = receiver.messages();
            // A stream ends having written all but the last it got; that one comes again.
            int count = mode == ClaimMode.STREAM && !got.isEmpty() ? got.size() - 1 : got.size();
            got.subList(0, count).forEach(m -> written.add(m.message()));
            long writtenSeq = count == 0 ? lastSeq : got.get(count - 1).seq();
            release(receiving, key, receiver, writtenSeq, LONG_DELAY);
            assertEquals(0, receiver.overlaps());
        }
        producer.join(WAIT.toMillis());
        assertEquals(IntStream.rangeClosed(1, total).mapToObj(i -> "r" + i).toList(), written);
    }

    // --- bounded queue --------------------------------------------------------------------------

    @Test
    void batchThatWouldOverflowTheQueueIsRefusedWhole() {
        SessionKey key = key("full");
        openIdle(key);
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, numbered(1, MAX_QUEUE - 1))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("x", "y"))));
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of("m" + MAX_QUEUE))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("z"))));
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
        RecordingReceiver stream = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, stream);
        assertEquals(numbered(1, MAX_QUEUE), texts(claim.pending()));
        // Acknowledged messages make room again.
        join(store().acknowledge(key, stream.id(), 2));
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of("n1", "n2"))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("n3"))));
    }

    @Test
    void batchLongerThanTheBoundIsRefusedWholeEvenByAnEmptyQueue() {
        SessionKey key = key("too-long");
        openIdle(key);
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, numbered(1, MAX_QUEUE + 1))));
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of("after"))));
        Claim claim = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(List.of("after"), texts(claim.pending()));
        assertEquals(1, claim.pending().get(0).seq());
    }

    @Test
    void batchThatWouldOverflowTheQueuesBytesIsRefusedWhole() {
        SessionKey key = key("bytes-full");
        openIdle(key);
        // Two characters of UTF-8 each: bytes are counted, not characters.
        String accented = "\u00e9".repeat(TENTH);
        assertEquals(EnqueueResult.QUEUE_FULL,
                join(store().enqueue(key, List.of(sized('a', 6 * TENTH), sized('b', 4 * TENTH + 1)))),
                "a tenth over the bound, even into an empty queue");
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of(sized('a', 4 * TENTH), sized('b', 4 * TENTH)))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of(accented + "x"))), "8 tenths and 2 and a byte");
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of(accented))), "10 tenths: the bound");
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("x"))));
        Claim claim = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(List.of(sized('a', 4 * TENTH), sized('b', 4 * TENTH), accented), texts(claim.pending()),
                "the refused batches left nothing behind");
    }

    @Test
    void acknowledgedAndReleasedMessagesGiveTheirBytesBack() {
        SessionKey key = key("bytes-back");
        openIdle(key);
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key,
                List.of(sized('a', 4 * TENTH), sized('b', 4 * TENTH), sized('c', 2 * TENTH)))));
        RecordingReceiver stream = receiver("n1");
        assertEquals(3, claim(store(), key, ClaimMode.STREAM, stream).pending().size());
        join(store().acknowledge(key, stream.id(), 1)); // a trim that leaves messages queued
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of(sized('d', 4 * TENTH)))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("x"))), "4 tenths back, no more");
        release(store(), key, stream, 2, LONG_DELAY); // b's 4 tenths
        assertEquals(EnqueueResult.QUEUED, join(store().enqueue(key, List.of(sized('e', 4 * TENTH)))));
        assertEquals(EnqueueResult.QUEUE_FULL, join(store().enqueue(key, List.of("x"))));
        RecordingReceiver next = receiver("n1");
        Claim claim = claim(store(), key, ClaimMode.STREAM, next);
        assertEquals(List.of(sized('c', 2 * TENTH), sized('d', 4 * TENTH), sized('e', 4 * TENTH)), texts(claim.pending()));
        release(store(), key, next, claim.pending().get(2).seq(), LONG_DELAY); // a trim that empties the queue
        assertEquals(EnqueueResult.QUEUED,
                join(store().enqueue(key, List.of(sized('f', 5 * TENTH), sized('g', 5 * TENTH)))),
                "all back");
    }

    private static String sized(char letter, int bytes) {
        return String.valueOf(letter).repeat(bytes);
    }

    // --- close ----------------------------------------------------------------------------------

    @Test
    void closeGivesTheHolderPendingMessagesThenTheCloseFrame() {
        SessionKey key = key("close-held");
        RecordingReceiver holder = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, holder);
        join(store().enqueue(key, List.of("last1", "last2")));
        assertTrue(join(store().close(key, GO_AWAY)));
        Waits.await(() -> holder.closeFrame() != null, holder::describe, WAIT);
        assertEquals(List.of("last1", "last2"), holder.texts());
        assertEquals("closed " + GO_AWAY.text(), holder.events().get(holder.events().size() - 1));
        assertFalse(join(store().close(key, GO_AWAY)));
        assertEquals(EnqueueResult.CLOSED, join(store().enqueue(key, List.of("late"))));
        assertEquals(SessionStatus.CLOSED, join(store().status(key)));
        release(store(), key, holder, 2, LONG_DELAY);
        Claim later = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.CLOSED, later.outcome());
        assertEquals(GO_AWAY, later.closeFrame());
        assertFalse(later.holdsSlot(ClaimMode.STREAM));
    }

    @Test
    void closedSessionDeliversWhatWasQueuedFirstThenAnswersClosed() {
        SessionKey key = key("close-idle");
        openIdle(key);
        join(store().enqueue(key, List.of("q1", "q2")));
        assertTrue(join(store().close(key, GO_AWAY)));
        RecordingReceiver poller = receiver("n1");
        Claim poll = claim(store(), key, ClaimMode.POLL, poller);
        assertEquals(Outcome.ATTACHED, poll.outcome());
        assertEquals(List.of("q1", "q2"), texts(poll.pending()));
        assertEquals(GO_AWAY, poll.closeFrame());
        assertTrue(poll.holdsSlot(ClaimMode.POLL));
        release(store(), key, poller, 2, LONG_DELAY);
        for (ClaimMode mode : ClaimMode.values()) {
            Claim later = claim(store(), key, mode, receiver("n1"));
            assertEquals(Outcome.CLOSED, later.outcome());
            assertEquals(GO_AWAY, later.closeFrame());
        }
        assertEquals(Outcome.BUSY,
                join(store().claim(key, ClaimMode.STREAM, Creation.CREATE_ONLY, receiver("n1"))).outcome());
    }

    @Test
    void closeOfMissingSessionIsFalse() {
        assertFalse(join(store().close(key("nobody"), GO_AWAY)));
        assertEquals(EnqueueResult.NOT_FOUND, join(store().enqueue(key("nobody"), List.of("x"))));
    }

    // --- expiry ---------------------------------------------------------------------------------

    @Test
    void releasedSessionExpiresAfterItsDelayAndIsHeardOfOnce() {
        SessionKey key = key("expires");
        SessionKey held = key("held-forever");
        RecordingReceiver holder = receiver("n1");
        claim(store(), held, ClaimMode.STREAM, holder);
        RecordingReceiver receiver = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, receiver);
        join(store().enqueue(key, List.of("lost")));
        release(store(), key, receiver, 0, SHORT_DELAY);
        Waits.await(() -> expired.containsKey(key), () -> "no expiry notice for " + key, WAIT);
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
        assertEquals(EnqueueResult.NOT_FOUND, join(store().enqueue(key, List.of("x"))));
        // A second session expiring later shows time has passed; the first was still heard of once.
        SessionKey later = key("expires-later");
        RecordingReceiver other = receiver("n1");
        claim(store(), later, ClaimMode.STREAM, other);
        release(store(), later, other, 0, SHORT_DELAY);
        Waits.await(() -> expired.containsKey(later), () -> "no expiry notice for " + later, WAIT);
        assertEquals(1, expired.get(key));
        assertEquals(1, expired.get(later));
        // A held session never expires.
        assertEquals(SessionStatus.OPEN, join(store().status(held)));
        assertFalse(expired.containsKey(held));
        Claim reopened = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.OPENED, reopened.outcome());
    }

    @Test
    void pollReleasedAfterItsAnswerStartsTheDelayAgain() {
        SessionKey key = key("poll-expires");
        RecordingReceiver opener = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, opener);
        release(store(), key, opener, 0, SAFE_DELAY);
        join(store().enqueue(key, List.of("taken")));
        RecordingReceiver poller = receiver("n1");
        Claim poll = claim(store(), key, ClaimMode.POLL, poller);
        assertEquals(List.of("taken"), texts(poll.pending()));
        release(store(), key, poller, 1, SAFE_DELAY);
        // Nobody polls again: the session ends after the delay its last release gave it.
        Waits.await(() -> expired.containsKey(key), () -> "no expiry notice for " + key, WAIT);
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
    }

    @Test
    void claimBeforeTheDelayEndsKeepsTheSession() {
        Duration delay = SAFE_DELAY;
        SessionKey key = key("comes-back");
        RecordingReceiver first = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, first);
        release(store(), key, first, 0, delay);
        RecordingReceiver second = receiver("n1");
        assertEquals(Outcome.ATTACHED, claim(store(), key, ClaimMode.STREAM, second).outcome());
        // The witness expires after the first delay would have ended.
        SessionKey witness = key("witness");
        RecordingReceiver w = receiver("n1");
        claim(store(), witness, ClaimMode.STREAM, w);
        release(store(), witness, w, 0, delay.plusMillis(500));
        Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for " + witness, WAIT);
        assertFalse(expired.containsKey(key));
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
    }

    @Test
    void heldSessionNeverExpires() {
        SessionKey key = key("held-long");
        RecordingReceiver holder = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, holder);
        // The witness expires once the held session has outlived what could end it unrenewed.
        SessionKey witness = key("witness-held");
        RecordingReceiver w = receiver("n1");
        claim(store(), witness, ClaimMode.STREAM, w);
        release(store(), witness, w, 0, longerThanAHold());
        Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for " + witness, WAIT);
        assertFalse(expired.containsKey(key));
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
        assertFalse(holder.evicted());
        join(store().enqueue(key, List.of("still here")));
        Waits.await(() -> holder.count() == 1, holder::describe, WAIT);
    }

    @Test
    void closedSessionExpiresWithoutNotice() {
        SessionKey key = key("closed-expires");
        RecordingReceiver receiver = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, receiver);
        join(store().close(key, GO_AWAY));
        Waits.await(() -> receiver.closeFrame() != null, receiver::describe, WAIT);
        release(store(), key, receiver, 0, SHORT_DELAY);
        SessionKey witness = key("witness-closed");
        RecordingReceiver w = receiver("n1");
        claim(store(), witness, ClaimMode.STREAM, w);
        release(store(), witness, w, 0, SHORT_DELAY.multipliedBy(2));
        Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for " + witness, WAIT);
        Waits.await(() -> join(store().status(key)) == SessionStatus.NOT_FOUND, () -> "closed session lives", WAIT);
        assertFalse(expired.containsKey(key));
    }

    // --- delete and status ----------------------------------------------------------------------

    @Test
    void deleteRemovesAtOnceWithoutNotice() {
        SessionKey key = key("deleted");
        RecordingReceiver receiver = receiver("n1");
        claim(store(), key, ClaimMode.STREAM, receiver);
        join(store().enqueue(key, List.of("gone")));
        release(store(), key, receiver, 0, SAFE_DELAY);
        join(store().delete(key));
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
        assertEquals(EnqueueResult.NOT_FOUND, join(store().enqueue(key, List.of("x"))));
        SessionKey witness = key("witness-deleted");
        RecordingReceiver w = receiver("n1");
        claim(store(), witness, ClaimMode.STREAM, w);
        release(store(), witness, w, 0, SAFE_DELAY.plusMillis(500));
        Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for " + witness, WAIT);
        assertFalse(expired.containsKey(key));
        Claim again = claim(store(), key, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.OPENED, again.outcome());
        assertTrue(again.pending().isEmpty());
    }

    @Test
    void endRemovesAnOpenSessionAtOnceAndAnswersTrueOnce() {
        SessionKey held = key("end-held");
        RecordingReceiver receiver = receiver("n1");
        claim(store(), held, ClaimMode.STREAM, receiver);
        join(store().enqueue(held, List.of("never read")));
        SessionKey idle = key("end-idle");
        RecordingReceiver opener = receiver("n1");
        claim(store(), idle, ClaimMode.STREAM, opener);
        release(store(), idle, opener, 0, SAFE_DELAY);
        SessionKey closed = key("end-closed");
        openIdle(closed);
        join(store().close(closed, GO_AWAY));

        // Two ends of one session at once: one of them ended it.
        CompletionStage<Boolean> first = store().end(held, GO_AWAY);
        CompletionStage<Boolean> second = store().end(held, GO_AWAY);
        assertEquals(1, (join(first) ? 1 : 0) + (join(second) ? 1 : 0), "ends that answered true");
        assertTrue(join(store().end(idle, GO_AWAY)), "an open session nobody holds");
        assertFalse(join(store().end(closed, GO_AWAY)), "a closed session was not open");
        assertFalse(join(store().end(key("end-missing"), GO_AWAY)), "a missing session was not open");
        for (SessionKey gone : List.of(held, idle, closed)) {
            assertEquals(SessionStatus.NOT_FOUND, join(store().status(gone)), gone.toString());
            assertEquals(EnqueueResult.NOT_FOUND, join(store().enqueue(gone, List.of("x"))), gone.toString());
        }
        // Past the released session's delay: an ended session is not heard of again as expired.
        SessionKey witness = key("witness-end");
        RecordingReceiver w = receiver("n1");
        claim(store(), witness, ClaimMode.STREAM, w);
        release(store(), witness, w, 0, SAFE_DELAY.plusMillis(500));
        Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for " + witness, WAIT);
        for (SessionKey gone : List.of(held, idle, closed)) {
            assertFalse(expired.containsKey(gone), gone + " heard of as expired after its end");
        }
        Claim again = claim(store(), held, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.OPENED, again.outcome());
        assertTrue(again.pending().isEmpty(), "an ended session's queue is gone: " + again.pending());
    }

    @Test
    void statusTellsMissingOpenAndClosed() {
        SessionKey key = key("status");
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
        openIdle(key);
        assertEquals(SessionStatus.OPEN, join(store().status(key)));
        join(store().close(key, GO_AWAY));
        assertEquals(SessionStatus.CLOSED, join(store().status(key)));
        join(store().delete(key));
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(key)));
    }

    @Test
    void scopesKeepSessionsApart() {
        SessionKey a = new SessionKey("echo", "same");
        SessionKey b = new SessionKey("close", "same");
        openIdle(a);
        assertEquals(SessionStatus.NOT_FOUND, join(store().status(b)));
        join(store().enqueue(a, List.of("for a")));
        Claim claimB = claim(store(), b, ClaimMode.STREAM, receiver("n1"));
        assertEquals(Outcome.OPENED, claimB.outcome());
    }

    // --- nodes ----------------------------------------------------------------------------------

    @Test
    void holderOnAnotherNodeIsWokenByEnqueueOnThisOne() {
        assumeTrue(separateNodes(), "one node only");
        SessionKey key = key("cross-node");
        RecordingReceiver remote = receiver("n2");
        claim(store("n2"), key, ClaimMode.STREAM, remote);
        assertEquals(Outcome.BUSY, claim(store("n1"), key, ClaimMode.STREAM, receiver("n1")).outcome());
        join(store("n1").enqueue(key, List.of("x", "y")));
        join(store("n3").enqueue(key, List.of("z")));
        Waits.await(() -> remote.count() == 3, remote::describe, WAIT);
        assertEquals(List.of("x", "y", "z"), remote.texts());
        join(store("n1").close(key, GO_AWAY));
        Waits.await(() -> remote.closeFrame() != null, remote::describe, WAIT);
    }

    @Test
    void sessionHeldOnADeadNodeEndsAndIsHeardOfOnce() {
        assumeTrue(separateNodes(), "one node only");
        SessionKey key = key("orphan");
        claim(store("n2"), key, ClaimMode.STREAM, receiver("n2"));
        store("n1");
        killNode("n2");
        // Nobody claims it again: a live node finds its holder gone and ends it.
        Waits.await(() -> expired.containsKey(key), () -> "no expiry notice for " + key, WAIT);
        assertEquals(SessionStatus.NOT_FOUND, join(store("n1").status(key)));
        assertEquals(1, expired.get(key));
    }

    @Test
    void messagesAPollOnADeadNodeFoundAreGivenToTheNextPoll() {
        assumeTrue(separateNodes(), "one node only");
        SessionKey key = key("dead-poll");
        openIdle(key);
        join(store("n1").enqueue(key, List.of("a", "b")));
        // The poll's node takes them and dies before its answer (or before its release).
        assertEquals(List.of("a", "b"), texts(claim(store("n2"), key, ClaimMode.POLL, receiver("n2")).pending()));
        killNode("n2");
        // The balancer's resend (or the client's next poll) on a live node gets them.
        Claim resent = claim(store("n1"), key, ClaimMode.POLL, receiver("n1"));
        assertEquals(Outcome.ATTACHED, resent.outcome());
        assertEquals(List.of(new QueuedMessage(1, "a"), new QueuedMessage(2, "b")), resent.pending());
    }

    @Test
    void slotOfAReceiverOnADeadNodeIsTakenOver() {
        assumeTrue(separateNodes(), "one node only");
        SessionKey key = key("dead-node");
        RecordingReceiver doomed = receiver("n2");
        claim(store("n2"), key, ClaimMode.STREAM, doomed);
        join(store("n1").enqueue(key, List.of("unacked")));
        Waits.await(() -> doomed.count() == 1, doomed::describe, WAIT);
        killNode("n2");
        RecordingReceiver survivor = receiver("n1");
        Claim claim = claim(store("n1"), key, ClaimMode.STREAM, survivor);
        assertEquals(Outcome.ATTACHED, claim.outcome());
        assertEquals(List.of(new QueuedMessage(1, "unacked")), claim.pending());
        join(store("n3").enqueue(key, List.of("next")));
        Waits.await(() -> survivor.count() == 1, survivor::describe, WAIT);
        assertEquals(List.of(new QueuedMessage(2, "next")), survivor.messages());
    }
}
