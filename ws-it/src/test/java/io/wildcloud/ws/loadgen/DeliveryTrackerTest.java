package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the tracker splits losses between sessions a fault closed and sessions that stayed open. */
class DeliveryTrackerTest {

    @Test
    void lossesAreSplitByWhetherTheSessionThatWasOpenWhenSentLaterEnded() {
        DeliveryTracker tracker = new DeliveryTracker(2, false, List.of("websocket", "xhr-polling"));
        // Session 0: 1 delivered, 2 lost with the session a fault closed, 3 sent while it reopened,
        // 4 delivered to the new session, 5 lost although the new session stayed open.
        tracker.sessionOpened(0);
        send(tracker, 0, 1);
        tracker.received(0, DeliveryTracker.payload(1, System.nanoTime()));
        send(tracker, 0, 2);
        tracker.sessionEnded(0, "c[4010,\"Session state lost\"]");
        send(tracker, 0, 3);
        tracker.sessionOpened(0);
        send(tracker, 0, 4);
        tracker.received(0, DeliveryTracker.payload(4, System.nanoTime()));
        send(tracker, 0, 5);
        // Session 1 stays open: its loss counts as lost in an open session; a repeat is a duplicate.
        tracker.sessionOpened(1);
        send(tracker, 1, 1);
        send(tracker, 1, 2);
        tracker.received(1, DeliveryTracker.payload(2, System.nanoTime()));
        tracker.received(1, DeliveryTracker.payload(2, System.nanoTime()));

        Map<String, DeliveryTracker.TransportFigures> figures = tracker.byTransport(tracker.measured());
        assertEquals(new DeliveryTracker.TransportFigures(1, 1, 2, 1, 0, 0), figures.get("websocket"));
        assertEquals(new DeliveryTracker.TransportFigures(1, 0, 0, 1, 1, 0), figures.get("xhr-polling"));
        assertEquals(4, tracker.measured().missing());
        List<RepeatedMessage> repeats = tracker.repeatedMessages();
        assertEquals(1, repeats.size(), repeats::toString);
        assertEquals(List.of(1, 2L, "xhr-polling"), List.of(repeats.get(0).session(), repeats.get(0).seq(),
                repeats.get(0).transport()));
    }

    @Test
    void aSessionThatEndedForGoodCountsItsLossesAsClosed() {
        DeliveryTracker tracker = new DeliveryTracker(1, false, List.of("xhr-streaming"));
        tracker.sessionOpened(0);
        send(tracker, 0, 1);
        tracker.sessionEnded(0, "failed");
        assertEquals(new DeliveryTracker.TransportFigures(1, 1, 1, 0, 0, 0),
                tracker.byTransport(tracker.measured()).get("xhr-streaming"));
    }

    @Test
    void eachEndedSessionIsListedWithWhyAndItsLastRequests() {
        DeliveryTracker tracker = new DeliveryTracker(2, false, List.of("xhr-polling", "websocket"));
        tracker.publishingStarted();
        tracker.sessionOpened(0);
        tracker.sessionOpened(1);
        for (String outcome : List.of("200 o", "200 a(1-1)", "503 Session store unavailable", "200 o")) {
            tracker.served(0, "node-1", outcome);
        }
        tracker.sessionEnded(0, "server lost session: a second open frame");

        assertEquals(1, tracker.byTransport(tracker.measured()).get("xhr-polling").failedRequests());
        List<EndedSession> ended = tracker.endedSessions();
        assertEquals(1, ended.size(), ended::toString);
        assertEquals(List.of(0, "xhr-polling", "server lost session: a second open frame"),
                List.of(ended.get(0).session(), ended.get(0).transport(), ended.get(0).why()));
        List<String> last = ended.get(0).lastServed();
        assertEquals(3, last.size(), last::toString);
        assertTrue(last.get(0).startsWith("node-1 200 a(1-1) at ") && last.get(2).startsWith("node-1 200 o at "),
                last::toString);
    }

    @Test
    void eachLostMessageIsListedWithTheRequestsAroundIt() {
        DeliveryTracker tracker = new DeliveryTracker(2, false, List.of("xhr-polling", "websocket"));
        tracker.publishingStarted();
        tracker.sessionOpened(0);
        tracker.sessionOpened(1);
        tracker.served(0, "node-1", "200 o");
        send(tracker, 0, 1);
        tracker.served(0, "node-2", "200 h");
        send(tracker, 1, 1);
        tracker.sessionEnded(1, "websocket closed");

        List<LostMessage> lost = tracker.lostMessages(tracker.measured(), 10);
        assertEquals(2, lost.size(), lost::toString);
        LostMessage open = lost.get(0);
        assertEquals(List.of(0, 1L, true), List.of(open.session(), open.seq(), open.inOpenSession()));
        assertEquals("xhr-polling", open.transport());
        assertTrue(open.servedBefore().startsWith("node-1 200 o at "), open.toString());
        assertTrue(open.servedAfter().startsWith("node-2 200 h at "), open.toString());
        assertTrue(open.publishedAt() >= 0 && open.publishedAt() < 10, open.toString());
        LostMessage closed = lost.get(1);
        assertEquals(List.of(1, 1L, false), List.of(closed.session(), closed.seq(), closed.inOpenSession()));
        assertNull(closed.servedBefore());
        assertEquals(1, tracker.lostMessages(tracker.measured(), 1).size());
    }

    @Test
    void paddedMessagesAreTheirSizeAndCountedAsThePlainOnes() {
        long sent = System.nanoTime();
        String padded = DeliveryTracker.payload(7, sent, 64);
        assertEquals(64, padded.length());
        assertEquals(DeliveryTracker.payload(7, sent) + ":", padded.substring(0, padded.indexOf(':', padded.indexOf(':') + 1) + 1));
        assertEquals(DeliveryTracker.payload(7, sent), DeliveryTracker.payload(7, sent, 8), "never cut");
        DeliveryTracker tracker = new DeliveryTracker(1, false, List.of("websocket"));
        tracker.sessionOpened(0);
        send(tracker, 0, 7);
        tracker.received(0, padded);
        assertEquals(1, tracker.measured().delivered());
        assertEquals(0, tracker.malformed());
        assertEquals(0, tracker.measured().missing());
    }

    @Test
    void aLostMessageTheApiQueuedForNoSessionIsListedSo() {
        DeliveryTracker tracker = new DeliveryTracker(2, false, List.of("websocket", "websocket"));
        send(tracker, 0, 1);
        send(tracker, 1, 1);
        tracker.queuedForNoSession(1, 1);
        List<LostMessage> lost = tracker.lostMessages(tracker.measured(), 10);
        assertEquals(List.of(false, true), lost.stream().map(LostMessage::queuedForNoSession).toList(), lost::toString);
        assertTrue(lost.get(1).toString().contains("the API queued it for no session"), lost.get(1)::toString);
        assertFalse(lost.get(0).toString().contains("no session"), lost.get(0)::toString);
    }

    @Test
    void aRunsTextNamesPublishesQueuedForNoSessionAndMalformedMessages() {
        DeliveryTracker tracker = new DeliveryTracker(1, false, List.of("websocket"));
        send(tracker, 0, 1);
        tracker.received(0, "no seq here");
        String text = LoadResult.of(1, java.util.Map.of("websocket", 1), 0, 0, tracker, 1, 0, java.util.Map.of(), 1,
                1.0, 1.0).toText();
        assertTrue(text.contains("1 publishes answered 200 but queued for no session"), text);
        assertTrue(text.contains("1 messages arrived malformed"), text);
        String clean = LoadResult.of(1, java.util.Map.of("websocket", 1), 0, 0, tracker, 1, 0, java.util.Map.of(), 0,
                1.0, 1.0).toText();
        assertFalse(clean.contains("queued for no session"), clean);
    }

    private static void send(DeliveryTracker tracker, int session, long seq) {
        tracker.sent(session, seq);
        tracker.accepted(session, seq);
    }
}
