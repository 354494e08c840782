package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.testing.NodeApi;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch on a Redis Cluster of three masters runs one publish.lua per slot, so one master can
 * refuse its runs while the others queue theirs. Here the master of some sockets is at
 * {@code maxmemory} (noeviction): the batch is answered 200, the targets on the other masters
 * queued, those on the full one {@code store_full}; the same batch sent again with the same request
 * id once the master takes writes queues only what failed (the others answered as repeats, charged
 * nothing); every session receives its message once, and the publish budget is charged each
 * message once. Before, Redisson failed every call of the pipeline's batch that the other masters
 * had not answered yet with the full master's refusal: the batch was answered 507 "nothing was
 * queued" (its charge refunded) while the other masters queued their targets.
 */
class PartlyPublishedClusterBatchTest {

    private static final String SECRET = "partly-cluster-secret-0123";
    /** Sockets on the master that refuses, and on the two others. */
    private static final int PER_SIDE = 4;
    private static final int MESSAGE_CHARS = 1000;
    /** Room for the batch's messages once each and 3.5 publishes more. */
    private static final long BURST = 2L * PER_SIDE * MESSAGE_CHARS + 3 * MESSAGE_CHARS + MESSAGE_CHARS / 2;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBatchOneMasterRefusesAnswersEachTargetAndItsRetryQueuesOnlyWhatFailed() throws Exception {
        String prefix = RedisTestServer.newKeyPrefix("pcluster");
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start();
                WsNode node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=pcluster",
                        "--warmup-connects=0", "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0",
                        "--applications=app:" + SECRET, "--callback-allow-networks=127.0.0.0/8",
                        "--redis-url=redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", ""),
                        "--redis-key-prefix=" + prefix, "--max-message-bytes=4096",
                        "--sessions-per-socket=1", "--disconnect-delay=60s", "--max-application-publish-bytes-per-second=1",
                        "--application-publish-byte-burst=" + BURST}, Map.of())))) {
            // The batch's request-id count (RedisKeys.requestIds) must not be on the refusing master: a
            // count the store refuses fails the publish before any target runs (507, rightly). Token-less
            // publishes count under "", an empty hash tag, so the key's slot follows its window: the
            // refusing master is one that owns neither this window's key nor the next's (MOVED on both).
            long window = RequestIdCount.windowAt(System.currentTimeMillis());
            List<String> countKeys = List.of(prefix + "request-ids:{}:" + window, prefix + "request-ids:{}:" + (window + 1));
            RedisServerProcess refusing = cluster.masters().stream()
                    .filter(master -> countKeys.stream().allMatch(key -> master.command("EXISTS", key).startsWith("-MOVED")))
                    .findFirst().orElseThrow();
            List<String> onRefusing = new ArrayList<>();
            List<String> elsewhere = new ArrayList<>();
            for (int client = 0; onRefusing.size() < PER_SIDE || elsewhere.size() < PER_SIDE; client++) {
                assertTrue(client < 200, "sockets spread over the masters");
                String socket = NodeApi.authorize(http, node.apiPort(), SECRET, "client-" + client);
                boolean there = refusing.command("EXISTS", prefix + "{" + socket + "}:sock").equals("1");
                List<String> side = there ? onRefusing : elsewhere;
                if (side.size() < PER_SIDE) {
                    side.add(socket);
                    assertEquals("o\n", poll(node, socket, "s"));
                }
            }
            // Interleaved: runs of both kinds go out, in either order, in one pipeline batch or more.
            List<String> sockets = new ArrayList<>();
            for (int i = 0; i < PER_SIDE; i++) {
                sockets.add(onRefusing.get(i));
                sockets.add(elsewhere.get(i));
            }
            StringBuilder batch = new StringBuilder("{\"messages\":[");
            for (int i = 0; i < sockets.size(); i++) {
                batch.append(i == 0 ? "" : ",").append("{\"socket_id\":\"").append(sockets.get(i))
                        .append("\",\"message\":\"").append(message(i)).append("\"}");
            }
            batch.append("]}");

            refusing.command("CONFIG", "SET", "maxmemory", "1");
            // The other masters hold their answers a moment: the refusal comes first, as it does when
            // they run longer scripts. (No bearer token: its owner check would wait out the pause.)
            for (RedisServerProcess master : cluster.masters()) {
                if (master != refusing) {
                    master.command("CLIENT", "PAUSE", "1000", "WRITE");
                }
            }
            HttpResponse<String> first;
            try {
                first = post(node, "/publish", batch.toString(), "batch-1");
            } finally {
                refusing.command("CONFIG", "SET", "maxmemory", "0");
            }
            if (first.statusCode() != 200) {
                int delivered = 0;
                for (int i = 0; i < sockets.size(); i++) {
                    delivered += poll(node, sockets.get(i), "s").contains(message(i)) ? 1 : 0;
                }
                assertEquals(200, first.statusCode(), first.body() + ", yet " + delivered + " of " + sockets.size()
                        + " targets were delivered");
            }
            JsonObject body = JsonParser.parseString(first.body()).getAsJsonObject();
            JsonArray results = body.getAsJsonArray("results");
            for (int i = 0; i < sockets.size(); i++) {
                JsonObject result = results.get(i).getAsJsonObject();
                if (onRefusing.contains(sockets.get(i))) {
                    assertEquals("store_full", result.get("error").getAsString(), "target " + i + ": " + result);
                    assertTrue(result.get("message").getAsString().contains("nothing was queued for it"),
                            result.toString());
                } else {
                    assertEquals(1, result.get("sessions").getAsInt(), "target " + i + ": " + result);
                }
            }
            assertEquals(PER_SIDE, body.get("failed").getAsInt(), first.body());
            assertEquals(PER_SIDE, body.get("sessions").getAsInt(), first.body());

            // The same batch again, with the same request id, as the answer says to.
            HttpResponse<String> again = post(node, "/publish", batch.toString(), "batch-1");
            assertEquals(200, again.statusCode(), again.body());
            JsonObject againBody = JsonParser.parseString(again.body()).getAsJsonObject();
            assertEquals(0, againBody.get("failed").getAsInt(), again.body());
            for (int i = 0; i < sockets.size(); i++) {
                assertEquals(1, againBody.getAsJsonArray("results").get(i).getAsJsonObject().get("sessions")
                        .getAsInt(), again.body());
            }

            // Each session got its message once: a repeat queued nothing.
            for (int i = 0; i < sockets.size(); i++) {
                String received = poll(node, sockets.get(i), "s");
                assertEquals(1, received.split(message(i), -1).length - 1, "socket " + i + " received " + received);
            }

            // Charged each message once: room is left for ceil(3.5) = 4 publishes of 1000 bytes.
            int published = 0;
            HttpResponse<String> single;
            while ((single = post(node, "/publish/" + sockets.get(1), "{\"message\":\"" + message(100 + published)
                    + "\"}", null)).statusCode() == 200) {
                published++;
                assertFalse(published > 10, published + " publishes after the batch");
            }
            assertEquals(429, single.statusCode(), single.body());
            long left = BURST - 2L * PER_SIDE * MESSAGE_CHARS;
            assertEquals((left + MESSAGE_CHARS - 1) / MESSAGE_CHARS, published,
                    "publishes the budget let through after the batch and its retry");
        }
    }

    private static String message(int index) {
        String head = "message-" + index + "-";
        return head + "m".repeat(MESSAGE_CHARS - head.length());
    }

    /** Without a bearer token (charged to the token-less publishes' bucket, sized as an application's). */
    private HttpResponse<String> post(WsNode node, String path, String body, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30));
        if (requestId != null) {
            request.header("Idempotency-Key", requestId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String poll(WsNode node, String socket, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/" + socket
                        + "/000/" + session + "/xhr")).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
