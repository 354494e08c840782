package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a request naming a socket id that does not exist costs Redis, per SockJS entry: counted as
 * INFO commandstats counts (a script's own commands included), from MONITOR, per id. At most one
 * script run with one read in it (2), none for the pages that are the same for every id.
 */
class UnknownSocketCostTest {

    @Test
    void anUnknownSocketCostsAtMostOneReadPerRequest() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisMonitor monitor = RedisMonitor.start(redis.host(), redis.port())) {
            WsNode node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=unknown",
                "--warmup-connects=0", "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0",
                "--redis-url=" + redis.url(), "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("unknown")},
                    Map.of())));
            try {
                String base = "http://127.0.0.1:" + node.publicPort() + "/";
                Map<String, Integer> costs = new LinkedHashMap<>();
                Map<String, Integer> statuses = new LinkedHashMap<>();
                for (Entry entry : Entry.values()) {
                    String socket = SocketIds.next();
                    statuses.put(entry.name().toLowerCase(), entry.send(http, base, node.publicPort(), socket));
                    // A mark: every command sent before it is in the monitor's list now (an upper bound
                    // checked on lines not read yet would pass).
                    monitor.mark(redis.host(), redis.port(), "counted-" + socket);
                    costs.put(entry.name().toLowerCase(), monitor.callsNaming("{" + socket + "}").stream()
                            .mapToInt(RedisMonitor.Call::cost).sum());
                }
                System.out.printf("Redis commands per unknown-socket request: %s; answers %s%n", costs, statuses);
                costs.forEach((entry, cost) -> assertTrue(cost <= Entry.valueOf(entry.toUpperCase()).most,
                        entry + " cost " + cost + " commands: " + costs));
                statuses.forEach((entry, status) -> assertEquals(Entry.valueOf(entry.toUpperCase()).status, status,
                        entry + " of an unknown socket"));
            } finally {
                node.close();
            }
        }
    }

    @Test
    void oneReadTellsALiveSocketAGoneOnesSessionAndNothingApartOnRedis() throws Exception {
        String secret = "unknown-cost-secret-0123456";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            WsNode node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=gone",
                "--warmup-connects=0", "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0",
                "--applications=app:" + secret, "--callback-allow-networks=127.0.0.0/8", "--redis-url=" + redis.url(),
                "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("gone")}, Map.of())));
            try {
                String api = "http://127.0.0.1:" + node.apiPort() + "/authorize/" + secret + "/user-1";
                HttpResponse<String> authorized = http.send(HttpRequest.newBuilder(URI.create(api))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"http://127.0.0.1:9/cb\"}"))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                String socket = com.google.gson.JsonParser.parseString(authorized.body()).getAsJsonObject()
                        .get("socket_id").getAsString();
                String base = "http://127.0.0.1:" + node.publicPort() + "/" + socket;
                // A live socket without the session yet: the new session's first poll.
                assertEquals("o\n", poll(http, base + "/000/tab/xhr").body());
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(api)).DELETE()
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                // The socket gone, its session still there: the close frame, not a 404.
                assertEquals("c[4001,\"Socket revoked\"]\n", poll(http, base + "/000/tab/xhr").body());
                // Neither: 404.
                assertEquals(404, poll(http, base + "/000/other/xhr").statusCode());
            } finally {
                node.close();
            }
        }
    }

    private static HttpResponse<String> poll(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The SockJS entries, each with its answer to an unknown socket and the most commands it may cost. */
    private enum Entry {
        XHR("POST", "/000/s/xhr", "", 404, 2),
        XHR_SEND("POST", "/000/s/xhr_send", "[\"x\"]", 404, 2),
        XHR_STREAMING("POST", "/000/s/xhr_streaming", "", 404, 2),
        EVENTSOURCE("GET", "/000/s/eventsource", null, 404, 2),
        HTMLFILE("GET", "/000/s/htmlfile?c=cb", null, 404, 2),
        JSONP("GET", "/000/s/jsonp?c=cb", null, 404, 2),
        JSONP_SEND("POST", "/000/s/jsonp_send", "d=%5B%22x%22%5D", 404, 2),
        WEBSOCKET("GET", "/000/s/websocket", null, 404, 2),
        INFO("GET", "/info", null, 404, 2),
        IFRAME("GET", "/iframe.html", null, 200, 0);

        final String method;
        final String path;
        final String body;
        final int status;
        final int most;

        Entry(String method, String path, String body, int status, int most) {
            this.method = method;
            this.path = path;
            this.body = body;
            this.status = status;
            this.most = most;
        }

        int send(HttpClient http, String base, int port, String socket) throws Exception {
            if (this == WEBSOCKET) {
                try {
                    http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + socket + path),
                            new WebSocket.Listener() { }).get(15, TimeUnit.SECONDS).abort();
                    return 101;
                } catch (ExecutionException e) {
                    return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + socket + path))
                    .timeout(Duration.ofSeconds(15));
            if (body != null) {
                request.header("Content-Type", this == JSONP_SEND ? "application/x-www-form-urlencoded" : "text/plain");
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
