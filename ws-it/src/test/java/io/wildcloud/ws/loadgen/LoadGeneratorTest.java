package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.node.NodeProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load generator end to end against a real node: publish over the API, receive on every transport. */
class LoadGeneratorTest {

    private static final String SECRET = "loadgen-test-secret";

    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = NodeProcess.start("loadgen-e2e", "--applications=loadgen:" + SECRET);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyMessagePublishedIsDeliveredOnceInOrderAndOnlyTheMeasuredOnesAreReported() throws Exception {
        AtomicInteger publishing = new AtomicInteger();
        AtomicInteger settled = new AtomicInteger();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=" + node.publicUrl(), "--api-url=" + node.apiUrl(), "--app=" + SECRET,
            "--sessions=24", "--transports=websocket:2,xhr-streaming:1,xhr-polling:1",
            "--warmup=300", "--messages=1200", "--concurrency=16", "--api-connections=4",
            "--duration=60s", "--grace=20s", "--message-bytes=64"});
        LoadResult result = new LoadGenerator(options, new PrintStream(log, true, StandardCharsets.UTF_8),
                new LoadGenerator.PhaseListener() {
                    @Override
                    public void publishing() {
                        publishing.incrementAndGet();
                    }

                    @Override
                    public void settled() {
                        settled.incrementAndGet();
                    }
                }).run();
        String progress = log.toString(StandardCharsets.UTF_8);

        assertEquals(Map.of("websocket", 12, "xhr-streaming", 6, "xhr-polling", 6), result.sessionsByTransport());
        assertEquals(0, result.sessionsFailed(), progress);
        assertEquals(300, result.warmupPublished(), progress);
        assertEquals(0, result.warmupLost(), progress);
        assertEquals(1200, result.published(), progress);
        assertEquals(0, result.publishErrors(), progress);
        // Padded to 64 bytes (issue 17's size) over every transport, and read back as the plain ones.
        assertEquals(1200, result.delivered(), "only measured messages are counted\n" + progress);
        assertEquals(0, result.lost(), progress);
        assertEquals(0, result.duplicated(), progress);
        assertEquals(0, result.reordered(), progress);
        assertTrue(result.latencyP50Ms() > 0 && result.latencyMaxMs() >= result.latencyP99Ms(), result.toText());
        assertEquals(1, publishing.get());
        assertEquals(1, settled.get());
        assertTrue(result.clean());
        node.assertNoLeakReports();
    }

    @Test
    void inBatchesEveryMessageIsDeliveredOnceInOrderWithItsOwnLatency() throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=" + node.publicUrl(), "--api-url=" + node.apiUrl(), "--app=" + SECRET,
            "--sessions=30", "--transports=websocket:2,xhr-streaming:1", "--batch=8",
            "--warmup=240", "--messages=1205", "--concurrency=3", "--api-connections=2",
            "--duration=60s", "--grace=20s", "--message-bytes=64"});
        LoadResult result = new LoadGenerator(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();

        assertEquals(1205, result.published(), result.toText());
        assertEquals(0, result.publishErrors(), result.toText());
        assertEquals(1205, result.delivered(), result.toText());
        assertEquals(0, result.lost(), result.toText());
        assertEquals(0, result.duplicated(), result.toText());
        assertEquals(0, result.reordered(), result.toText());
        assertTrue(result.latencyP50Ms() > 0 && result.latencyMaxMs() >= result.latencyP99Ms(), result.toText());
        assertTrue(result.clean(), result.toText());
        node.assertNoLeakReports();
    }

    @Test
    void withChurnEverySlotClosesItsSessionsItselfAndWhatStayedOpenLostNothing() throws Exception {
        double websocketEndsBefore = websocketEnds();
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=" + node.publicUrl(), "--api-url=" + node.apiUrl(), "--app=" + SECRET,
            "--sessions=9", "--transports=websocket:1,xhr-streaming:1,xhr-polling:1", "--rate=200",
            "--duration=5s", "--grace=3s", "--churn=400ms"});
        LoadResult result = new LoadGenerator(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();

        // Lifetimes of 200-600 ms over 5 s of publishing (and the grace: what went with a closed session never comes): every slot closes a session at least once
        // however slowly its sessions open here, and the closes are not taken for faults.
        assertTrue(result.closedByClient() >= 9, result.toText());
        assertTrue(result.toText().contains(result.closedByClient() + " sessions closed by their own clients"), result.toText());
        assertEquals(0, result.reopened(), result.toText());
        assertTrue(websocketEnds() - websocketEndsBefore >= 3, "the node saw websocket clients leave");
        assertEquals(0, result.lostInOpenSessions(), result.toText());
        assertEquals(0, result.duplicated(), result.toText());
        assertTrue(result.clean(), result.toText());
    }

    private static double websocketEnds() throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.apiUrl() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("ws_sessions_closed_total{")
                        && line.contains("reason=\"websocket_ended\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aTargetRateSpreadsThePublishesOverTime() throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=" + node.publicUrl(), "--api-url=" + node.apiUrl(), "--app=" + SECRET,
            "--sessions=10", "--transports=websocket:1", "--rate=400", "--messages=400", "--grace=20s"});
        LoadResult result = new LoadGenerator(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();

        assertEquals(400, result.delivered(), result.toText());
        // 400 messages at 400/s take about a second; flat out they would take a fraction of it. The
        // upper bound only catches a pace off by an order of magnitude: on a busy machine the round
        // trips (one publish in flight per session) alone can stretch the 400 to seconds.
        assertTrue(result.publishSeconds() > 0.9 && result.publishSeconds() < 15, result.toText());
        assertTrue(result.clean(), result.toText());
    }

    @Test
    void messageFramesAreCutWithoutTheJsonDecoderUnlessTheyNeedIt() {
        assertEquals(List.of("1:2"), SessionClient.messagesOf("a[\"1:2\"]"));
        assertEquals(List.of("1:2", "", "3:4"), SessionClient.messagesOf("a[\"1:2\",\"\",\"3:4\"]"));
        assertEquals(List.of("say \"hi\"", "\u00e9"), SessionClient.messagesOf("a[\"say \\\"hi\\\"\",\"\\u00e9\"]"));
        assertEquals(List.of("{\"n\":1}"), SessionClient.messagesOf("a[{\"n\":1}]"));
        assertEquals(new ArrayList<>(), SessionClient.messagesOf("a[]"));
    }
}
