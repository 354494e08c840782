package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Wake-ups arriving out of step with the queue: repeats, gaps, wake-ups during a fetch, a close
 * before its messages. The queue reads are answered by the test, in the order it chooses, which
 * real Redis cannot be made to do on demand.
 */
class HeldReceiverTest {

    private static final SessionKey KEY = new SessionKey("echo", "s1");

    private final List<String> calls = new ArrayList<>();
    private final ArrayDeque<Fetch> fetches = new ArrayDeque<>();
    private final List<HeldReceiver> evicted = new ArrayList<>();

    private record Fetch(long afterSeq, CompletableFuture<List<Object>> answer) {
    }

    private final Receiver receiver = new Receiver() {
        @Override
        public ReceiverId id() {
            return new ReceiverId("n1", 7);
        }

        @Override
        public void onMessages(List<QueuedMessage> messages) {
            messages.forEach(m -> calls.add(m.seq() + "=" + m.message()));
        }

        @Override
        public void onClosed(SockJsFrame closeFrame) {
            calls.add("closed " + closeFrame.text());
        }

        @Override
        public void onEvicted() {
            calls.add("evicted");
        }
    };

    private final HeldReceiver.Owner owner = new HeldReceiver.Owner() {
        @Override
        public CompletionStage<List<Object>> fetch(SessionKey key, String receiverId, long afterSeq) {
            Fetch fetch = new Fetch(afterSeq, new CompletableFuture<>());
            fetches.add(fetch);
            return fetch.answer();
        }

        @Override
        public void evicted(HeldReceiver held) {
            evicted.add(held);
        }

        @Override
        public CompletionStage<Void> beforeEviction() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void retryLater(Runnable task) {
            task.run();
        }
    };

    private static List<Object> queue(String state, long firstSeq, String... messages) {
        String closeFrame = state.equals("c") ? "c[3000,\"Go away!\"]" : "";
        List<Object> answer = new ArrayList<>(List.of(state, closeFrame, firstSeq));
        answer.addAll(List.of(messages));
        return answer;
    }

    @Test
    void dropsRepeatsAndPassesTheNewTail() {
        HeldReceiver held = new HeldReceiver(KEY, receiver, 2, false, owner);
        held.onMessages(1, List.of("a", "b"));
        held.onMessages(2, List.of("b", "c"));
        held.onMessages(4, List.of("d"));
        assertEquals(List.of("3=c", "4=d"), calls);
        assertTrue(fetches.isEmpty());
    }

    @Test
    void fillsAGapFromTheQueueAndFetchesAgainForWakeupsDuringTheFetch() {
        HeldReceiver held = new HeldReceiver(KEY, receiver, 3, false, owner);
        held.onMessages(5, List.of("e"));
        assertEquals(3, fetches.peek().afterSeq());
        held.onMessages(6, List.of("f"));
        assertEquals(List.of(), calls);
        // The queue was read before "f" was queued.
        fetches.poll().answer().complete(queue("o", 4, "d", "e"));
        assertEquals(List.of("4=d", "5=e"), calls);
        assertEquals(5, fetches.peek().afterSeq());
        fetches.poll().answer().complete(queue("o", 6, "f"));
        assertEquals(List.of("4=d", "5=e", "6=f"), calls);
        assertTrue(fetches.isEmpty());
    }

    @Test
    void closeBeforeItsMessagesFetchesThemFirst() {
        HeldReceiver held = new HeldReceiver(KEY, receiver, 0, false, owner);
        held.onClose(2, "c[3000,\"Go away!\"]");
        fetches.poll().answer().complete(queue("c", 1, "x", "y"));
        held.onMessages(3, List.of("never"));
        assertEquals(List.of("1=x", "2=y", "closed c[3000,\"Go away!\"]"), calls);
    }

    @Test
    void slotTakenByAnotherReceiverEvictsOnce() {
        HeldReceiver held = new HeldReceiver(KEY, receiver, 0, false, owner);
        held.catchUp();
        fetches.poll().answer().complete(List.of("E"));
        held.evict();
        held.onMessages(1, List.of("late"));
        assertEquals(List.of("evicted"), calls);
        assertEquals(List.of(held), evicted);
    }

    @Test
    void nothingAfterTheReceiverLetGo() {
        HeldReceiver held = new HeldReceiver(KEY, receiver, 0, false, owner);
        held.end();
        held.onMessages(1, List.of("a"));
        held.onClose(1, "c[3000,\"Go away!\"]");
        held.catchUp();
        assertEquals(List.of(), calls);
        assertTrue(fetches.isEmpty());
    }
}
