package io.wildcloud.ws.it.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session taken over by another node receives every publish made after it (issue 19, "the same
 * for a session taken over by another node"): three nodes on Redis, no balancer, so the test
 * picks each request's node. Many times per transport: open a session with xhr polling on node
 * A (it answers {@code o} and holds nothing), continue it on node B with the transport under
 * test, and publish through the API of a node chosen in turn the moment B's first frame is read
 * (a stream's prelude; for polling, the answer to B's first poll, which carries a message
 * published before it). Then a second, closing publish: B must deliver the first message exactly
 * once, before the second, and the first publish must have found the session.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TakenOverSessionPublishTest {

    static final int ROUNDS = 40;
    static final int PARALLEL = 4;
    /** The most one transport's rounds may take; rounds not started by then are skipped. */
    static final Duration BUDGET = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private static OpenThenPublishTopology topology;
    private final HttpClient api = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger nextApi = new AtomicInteger();

    @BeforeAll
    static void start() throws InterruptedException {
        topology = OpenThenPublishTopology.balancedCluster();
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    /** The transports that continue a session opened elsewhere (a websocket always opens a new one). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OpenTransport.class, names = {"XHR_STREAMING", "EVENTSOURCE", "HTMLFILE", "XHR_POLLING",
            "JSONP_POLLING"})
    void everyPublishAfterTheFirstFrameOnTheNewNodeArrivesOnce(OpenTransport transport) throws Exception {
        ParallelRounds.run(transport, ROUNDS, ROUNDS / 4, PARALLEL, BUDGET, round -> round(transport, round));
    }

    /** One round; what went wrong, or null. */
    private String round(OpenTransport transport, int round) throws Exception {
        List<String> nodes = topology.nodeBases();
        String nodeA = nodes.get(round % nodes.size());
        String nodeB = nodes.get((round + 1) % nodes.size());
        String socketId = authorize(nextApi());
        String sessionId = "s" + round;
        boolean toSession = round % 2 == 1;
        String target = toSession ? socketId + "/" + sessionId : socketId;

        RawResponse opened = new Http(READ_TIMEOUT).post(nodeA + "/" + socketId + "/000/" + sessionId + "/xhr");
        if (!opened.bodyText().equals("o\n")) {
            return "node A answered the opening poll with " + opened;
        }
        List<String> received = new ArrayList<>();
        boolean polling = EnumSet.of(OpenTransport.XHR_POLLING, OpenTransport.JSONP_POLLING).contains(transport);
        String zero = null;
        if (polling) {
            // A poll's first frame needs a message: this one goes first, then B's poll reads it.
            zero = publish(nextApi(), target, "zero");
        }
        try (OpenTransport.Client onB = transport.open(nodeB, socketId, sessionId, READ_TIMEOUT)) {
            if (polling) {
                collect(onB.nextFrame(), received);
            }
            // A stream's prelude has been read by open(): the session is B's now.
            String first = publish(nextApi(), target, "first");
            String second = publish(nextApi(), target, "second");
            while (!received.contains("second")) {
                String frame = onB.nextFrame();
                if (!frame.equals("h") && !collect(frame, received)) {
                    return "got " + frame + " after " + received;
                }
            }
            List<String> expected = polling ? List.of("zero", "first", "second") : List.of("first", "second");
            if (!received.equals(expected)) {
                return "received " + received + " (publishes answered " + zero + ", " + first + ", " + second + ")";
            }
            if (!first.equals("{\"sessions\":1,\"queue_full\":0}")) {
                return "first publish answered " + first;
            }
            return null;
        }
    }

    /** Adds the messages of an {@code a[...]} frame; false for any other frame. */
    private static boolean collect(String frame, List<String> received) {
        if (!frame.startsWith("a[")) {
            return false;
        }
        for (JsonElement message : JsonParser.parseString(frame.substring(1)).getAsJsonArray()) {
            received.add(message.getAsString());
        }
        return true;
    }

    private String nextApi() {
        List<String> bases = topology.apiBases();
        return bases.get(Math.floorMod(nextApi.getAndIncrement(), bases.size()));
    }

    private String authorize(String apiBase) throws Exception {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(URI.create(apiBase + "/authorize/"
                        + topology.secret + "/client-" + UUID.randomUUID()))
                .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"https://app.example/ws/callback\"}"))
                .timeout(READ_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject().get("socket_id").getAsString();
    }

    private String publish(String apiBase, String target, String message) throws Exception {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(URI.create(apiBase + "/publish/" + target))
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}"))
                .timeout(READ_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : response.statusCode() + " " + response.body();
    }
}
