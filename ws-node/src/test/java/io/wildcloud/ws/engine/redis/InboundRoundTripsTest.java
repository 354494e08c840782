package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts the Redis commands a client's message costs before its callback, on a Redis of its own
 * watched with MONITOR: every command of the path names the socket's hash tag, so those are counted
 * and the node's periodic work (sweeps, presence, roster; the hold renewal, touch.lua, which names
 * the held websocket session, is left out by its digest) is not. One script run per message, for
 * an xhr_send (session state and socket in socket_use.lua; the endpoint is not looked up first) and
 * for a websocket frame (the socket in socket_get.lua; its session is held by the connection).
 */
class InboundRoundTripsTest {

    private static final String SECRET = "inbound-secret-0123456789";
    private static final int MESSAGES = 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RedisServerProcess redis;
    private RedisMonitor monitor;
    private CallbackServer callbacks;
    private WsNode node;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        monitor = RedisMonitor.start(redis.host(), redis.port());
        callbacks = new CallbackServer();
        node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=inbound", "--warmup-connects=0", "--bind-host=127.0.0.1",
            "--public-port=0", "--api-port=0", "--applications=demo:" + SECRET, "--callback-allow-networks=127.0.0.0/8",
            "--disconnect-delay=60s", "--redis-url=" + redis.url(),
            "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("inbound")}, Map.of())));
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (callbacks != null) {
            callbacks.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anXhrSendCostsOneScriptRun() throws Exception {
        String socket = authorize("xhr-client");
        assertEquals("o\n", post(publicUri("/" + socket + "/000/s1/xhr"), "").body());
        int start = monitor.mark(redis.host(), redis.port(), "start");
        for (int i = 1; i <= MESSAGES; i++) {
            // Answered once the callback took it.
            assertEquals(204, post(publicUri("/" + socket + "/000/s1/xhr_send"), "[\"m" + i + "\"]").statusCode());
        }
        assertEquals(MESSAGES, callbacks.received().size());
        List<String> commands = ofSocket(socket, monitor.between(start, monitor.mark(redis.host(), redis.port(), "end")));
        System.out.printf("Redis commands per xhr_send: %.2f%n", commands.size() / (double) MESSAGES);
        assertEquals(MESSAGES, commands.size(), "commands: " + commands);
        assertEquals(MESSAGES, commands.stream().filter(c -> c.regionMatches(true, 0, "\"evalsha\"", 0, 9)).count(), "commands: " + commands);
    }

    @Test
    void aWebSocketMessageCostsOneScriptRun() throws Exception {
        String socket = authorize("ws-client");
        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + node.publicPort() + "/" + socket + "/websocket"),
                new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        // The session is in the store and its socket's index once the first message arrived.
        ws.sendText("first", true).get(10, TimeUnit.SECONDS);
        awaitCallbacks(1);
        int start = monitor.mark(redis.host(), redis.port(), "start");
        for (int i = 1; i <= MESSAGES; i++) {
            ws.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
        }
        awaitCallbacks(1 + MESSAGES);
        List<String> commands = ofSocket(socket, monitor.between(start, monitor.mark(redis.host(), redis.port(), "end")));
        System.out.printf("Redis commands per websocket message: %.2f%n", commands.size() / (double) MESSAGES);
        assertEquals(MESSAGES, commands.size(), "commands: " + commands);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    private void awaitCallbacks(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (callbacks.received().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("callbacks received: " + callbacks.received().size() + " of " + count);
            }
            Thread.sleep(5);
        }
    }

    /** The commands that touch the socket's keys (its hash tag), its sessions' included; no hold renewal. */
    private static List<String> ofSocket(String socket, List<String> commands) {
        String holdRenewal = new LuaScripts().touch.sha();
        return commands.stream().filter(c -> c.contains("{" + socket + "}") && !c.contains(holdRenewal)).toList();
    }

    private String authorize(String client) throws Exception {
        HttpResponse<String> response = post(URI.create("http://127.0.0.1:" + node.apiPort() + "/authorize/" + SECRET
                + "/" + client), "{\"callback\":\"" + callbacks.uri("/cb") + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        return ApiJson.GSON.fromJson(response.body(), AuthorizeResponse.class).socketId();
    }

    private URI publicUri(String path) {
        return URI.create("http://127.0.0.1:" + node.publicPort() + path);
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
