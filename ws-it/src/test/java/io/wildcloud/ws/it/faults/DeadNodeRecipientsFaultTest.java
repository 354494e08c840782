package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A node holding websocket and stream sessions dies (SIGKILL) and their clients do not come back:
 * publishes to their sockets stop counting those sessions within {@link #BOUND} (the README states
 * 3 s: two presence checks a second apart, then the takeover), not when their expiry entries come
 * due (up to 40 s). Sessions on the living nodes keep counting.
 */
class DeadNodeRecipientsFaultTest {

    /** The stated bound and room for a loaded test machine. */
    private static final Duration BOUND = Duration.ofSeconds(6);

    @Test
    void publishesStopCountingADeadNodesSessionsWithinTheBound() throws Exception {
        try (FaultCluster cluster = new FaultCluster("dead-node")) {
            List<ClientSession> onDead = new ArrayList<>();
            List<ClientSession> onLiving = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    String socket = cluster.authorize(2);
                    onDead.add(new WebSocketSession(socket, cluster.direct(1, socket)));
                }
                for (int i = 0; i < 2; i++) {
                    // Its client keeps asking the dead node: it never takes the session over elsewhere.
                    String socket = cluster.authorize(2);
                    onDead.add(new StreamingSession(socket, cluster.direct(1, socket)));
                }
                String living = cluster.authorize(3);
                onLiving.add(new WebSocketSession(living, cluster.direct(2, living)));
                onDead.forEach(ClientSession::awaitOpen);
                onLiving.forEach(ClientSession::awaitOpen);
                for (ClientSession session : onDead) {
                    cluster.publishToOne(2, session.socketId, "before");
                }

                List<PushClient> askThrough = List.of(cluster.api(2), cluster.api(3));
                long killed = System.nanoTime();
                cluster.node(1).sigkill();
                assertEquals(137, cluster.node(1).awaitExit(Duration.ofSeconds(10)));
                List<String> counting = new ArrayList<>();
                // Each round asks every session at once, through two clients made before the kill:
                // one publish after the other, each through an HTTP client of its own (cluster.publish),
                // a loaded machine's round took seconds of the bound.
                ExecutorService askers = Executors.newFixedThreadPool(onDead.size());
                try {
                    Waits.await(() -> {
                        List<CompletableFuture<String>> answers = new ArrayList<>();
                        for (int i = 0; i < onDead.size(); i++) {
                            ClientSession session = onDead.get(i);
                            PushClient through = askThrough.get(i % 2);
                            answers.add(CompletableFuture.supplyAsync(() -> {
                                PublishResponse answer = publish(through, session.socketId, "after");
                                return answer.sessions() == 0 ? null : session.sessionId + " " + answer;
                            }, askers));
                        }
                        counting.clear();
                        answers.stream().map(CompletableFuture::join).filter(Objects::nonNull).forEach(counting::add);
                        return counting.isEmpty();
                    }, () -> "publishes count none of the dead node's sessions " + counting, BOUND.plusSeconds(30));
                } finally {
                    askers.shutdownNow();
                }
                long stopped = System.nanoTime();
                long millis = (stopped - killed) / 1_000_000;
                System.out.printf("DeadNodeRecipientsFaultTest: %d sessions of the SIGKILLed node stopped counting"
                        + " %d ms after the kill%n", onDead.size(), millis);
                assertTrue(millis <= BOUND.toMillis(), "took " + millis + " ms, bound " + BOUND.toMillis());
                for (ClientSession session : onLiving) {
                    cluster.publishToOne(3, session.socketId, "still");
                    session.awaitReceived(1, Duration.ofSeconds(10));
                }
                cluster.node(2).assertNoLeakReports();
                cluster.node(3).assertNoLeakReports();
            } finally {
                onDead.forEach(ClientSession::close);
                onLiving.forEach(ClientSession::close);
            }
        }
    }

    private static PublishResponse publish(PushClient client, String socketId, String text) {
        try {
            return client.publish(socketId, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
