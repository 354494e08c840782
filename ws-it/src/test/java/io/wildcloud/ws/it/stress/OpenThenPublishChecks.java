package io.wildcloud.ws.it.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session that has said {@code o} receives every publish made after it (issue 19): many times
 * per transport, authorize a client, open a session, publish the moment the open frame is read,
 * and read the session until a second, closing publish arrives. The first message must come
 * exactly once, before the second, and the first publish must have found the session.
 *
 * <p>Rounds run {@link #PARALLEL} at a time, which widens the window a publish could slip into.
 * Even rounds publish to the socket (its index), odd rounds to the session, where the client
 * knows its session id. Each subclass names a topology, which runs for the class (one instance
 * for all its tests).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenThenPublishChecks {

    /** Rounds per transport and topology as CI runs them; {@code -Dws.it.openThenPublish.factor=10} runs ten times more. */
    static final int FACTOR = Integer.getInteger("ws.it.openThenPublish.factor", 1);
    static final int PARALLEL = 4;
    /** The most one transport's rounds may take; rounds not started by then are skipped. */
    static final Duration BUDGET = Duration.ofSeconds(20);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient api = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger nextApi = new AtomicInteger();
    private OpenThenPublishTopology topology;

    /**
     * Rounds per transport, bounded in count and, by {@link #BUDGET}, in time. Before the fix of
     * issue 19, 200 rounds lost 1 to 110 messages per transport and topology.
     */
    abstract int rounds();

    /** Starts the nodes (and balancer) this class checks, once for all its rounds. */
    abstract OpenThenPublishTopology startTopology() throws InterruptedException;

    @BeforeAll
    void start() throws InterruptedException {
        topology = startTopology();
    }

    @AfterAll
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    /** Where clients connect: the node or the balancer. */
    private String publicBase() {
        return topology.publicBase();
    }

    /** The API of every node; rounds rotate over them. */
    private List<String> apiBases() {
        return topology.apiBases();
    }

    private String secret() {
        return topology.secret;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(OpenTransport.class)
    void everyPublishAfterTheOpenFrameArrivesOnce(OpenTransport transport) throws Exception {
        ParallelRounds.run(transport, rounds() * FACTOR, rounds() / 4, PARALLEL, BUDGET, round -> round(transport, round));
    }

    /** One round; what went wrong, or null. */
    private String round(OpenTransport transport, int round) throws Exception {
        String apiBase = apiBases().get(Math.floorMod(nextApi.getAndIncrement(), apiBases().size()));
        String socketId = authorize(apiBase);
        String sessionId = "s" + round;
        boolean toSession = transport.namesSession && round % 2 == 1;
        String target = toSession ? socketId + "/" + sessionId : socketId;
        try (OpenTransport.Client client = transport.open(publicBase(), socketId, sessionId, READ_TIMEOUT)) {
            String open = client.nextFrame();
            if (!open.equals("o")) {
                return "expected the open frame, got " + open;
            }
            String first = publish(apiBase, target, "first");
            String second = publish(apiBase, target, "second");
            List<String> received = new ArrayList<>();
            while (!received.contains("second")) {
                String frame = client.nextFrame();
                if (frame.equals("h")) {
                    continue;
                }
                if (!frame.startsWith("a[")) {
                    return "got " + frame + " after " + received;
                }
                for (JsonElement message : JsonParser.parseString(frame.substring(1)).getAsJsonArray()) {
                    received.add(message.getAsString());
                }
            }
            if (!received.equals(List.of("first", "second"))) {
                return "received " + received + " (first publish answered " + first + ", second " + second + ")";
            }
            if (!first.equals("{\"sessions\":1,\"queue_full\":0}")) {
                return "first publish answered " + first;
            }
            return null;
        }
    }

    private String authorize(String apiBase) throws Exception {
        HttpResponse<String> response = api.send(HttpRequest.newBuilder(URI.create(apiBase + "/authorize/" + secret()
                        + "/client-" + UUID.randomUUID()))
                .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"http://stress-client.invalid/callback\"}"))
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
