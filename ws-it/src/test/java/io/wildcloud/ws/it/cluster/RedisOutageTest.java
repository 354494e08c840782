package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable: the test's own redis-server is frozen (SIGSTOP), so every connection to it
 * hangs as in a network partition. The nodes stay up, {@code /health} answers 503 with a JSON
 * status, SockJS requests get a 503, and when Redis answers again (SIGCONT) service resumes by
 * itself, pub/sub wake-ups between nodes included.
 */
class RedisOutageTest {

    private static final Duration DETECT = Duration.ofSeconds(45);

    private RedisServerProcess redis;
    private ProcessCluster cluster;
    private final Http http = new Http(Duration.ofSeconds(10));

    @BeforeEach
    void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        cluster = ProcessCluster.startOn(redis.url(), "outage", 2, "--mode=protocol-test");
    }

    @AfterEach
    void stop() throws Exception {
        if (redis != null) {
            signal("CONT");
        }
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Sends a signal to the test's own redis-server, by its PID. */
    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(redis.pid())).inheritIO().start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " failed");
    }

    private String url(int node, String session, String transport) {
        return cluster.publicUrl(node) + "/echo/000/" + session + "/" + transport;
    }

    private int healthStatus(int node) {
        try {
            return http.get(cluster.node(node).apiUrl() + "/health").status();
        } catch (RuntimeException | AssertionError e) {
            return -1;
        }
    }

    @Test
    void nodesReportTheOutageAnswer503AndRecoverByThemselves() throws Exception {
        String before = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(url(0, before, "xhr")).bodyText());

        signal("STOP");
        for (int node = 0; node < 2; node++) {
            int n = node;
            Waits.await(() -> healthStatus(n) == 503, "node " + n + " /health turns 503", DETECT);
        }
        RawResponse health = http.get(cluster.node(0).apiUrl() + "/health");
        JsonObject status = JsonParser.parseString(health.bodyText()).getAsJsonObject();
        assertEquals("unavailable", status.get("status").getAsString(), health::toString);
        // The node may first wait out its Redis client's timeouts and retries before it gives up;
        // then the SockJS request gets the transport's own 503 and the browser retries later. A
        // poll's socket look-up and claim unanswered are sent again (UnknownOutcomes) until the
        // stall bound has passed, 40 s with the default hold TTL, and the last send may take
        // Redisson's 3 x 3 s: 49 s (README, "Sessions outlive a store stall").
        RawResponse refused = new Http(Duration.ofSeconds(60)).post(url(1, UUID.randomUUID().toString(), "xhr"));
        assertEquals(503, refused.status(), refused::toString);
        assertTrue(refused.body().length > 0, "a 503 says what happened");
        assertTrue(cluster.node(0).isAlive() && cluster.node(1).isAlive(), "a node died of the outage");

        signal("CONT");
        for (int node = 0; node < 2; node++) {
            int n = node;
            Waits.await(() -> healthStatus(n) == 200, "node " + n + " /health back to 200", DETECT);
        }

        // A new session whose held poll on node 0 is woken by a send through node 1: the nodes'
        // subscriptions came back too.
        String after = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(url(0, after, "xhr")).bodyText());
        try (RawHttp held = http.sendOnly("POST", url(0, after, "xhr"))) {
            OpenConnections.awaitMoreThan(http, cluster.apiUrl(0), "xhr", 0);
            assertEquals(204, http.post(url(1, after, "xhr_send"), "[\"back\"]").status());
            assertEquals("a[\"back\"]\n", held.readResponse("POST").bodyText());
        }
        cluster.assertNoLeakReports();
    }
}
