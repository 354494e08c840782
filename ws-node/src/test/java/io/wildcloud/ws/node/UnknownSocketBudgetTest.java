package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client address naming socket after socket that does not exist spends its budget of unknown
 * sockets ({@code unknown-socket-burst}, {@code max-unknown-sockets-per-second}); past it the node
 * answers 404 without asking Redis, while a live socket's client on the same address is served.
 * Behind a trusted proxy the budget is the forwarded client's. On a real Redis, counting what it
 * runs for each id (MONITOR).
 */
class UnknownSocketBudgetTest {

    private static final int BURST = 20;
    private static final int PER_SECOND = 1;
    private static final String SECRET = "unknown-budget-secret-0123";

    @Test
    void pastItsBudgetAnAddressCostsRedisNothingWhileALiveSocketOnItIsServed() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisMonitor monitor = RedisMonitor.start(redis.host(), redis.port());
                CallbackServer callbacks = new CallbackServer()) {
            WsNode node = start(redis);
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String socket = authorize(http, node, "user-1", callbacks.uri("/cb"));
                assertEquals("o\n", post(node, "127.0.0.1", null, "/" + socket + "/000/tab/xhr", "").body());

                long started = System.nanoTime();
                int unknown = BURST + 60;
                int asked = askingRedis(node, redis, monitor, "127.0.0.1", null, unknown);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("%d unknown sockets from one address in %.1f s: %d asked Redis%n", unknown, seconds,
                        asked);
                assertTrue(asked <= BURST + PER_SECOND * Math.ceil(seconds) + 1,
                        asked + " of " + unknown + " unknown sockets asked Redis in " + seconds + " s");
                assertEquals(unknown - asked, refusedUnknown(http, node), "ws.http.refused unknown_sockets");

                // The live socket's client, on the same address, is served as before: polls, sends, a new websocket session.
                publish(http, node, socket, "hello");
                assertEquals("a[\"hello\"]\n", post(node, "127.0.0.1", null, "/" + socket + "/000/tab/xhr", "").body());
                assertEquals(204, post(node, "127.0.0.1", null, "/" + socket + "/000/tab/xhr_send", "[\"hi\"]").status());
                assertEquals("o", openWebsocket(http, node, socket));
                assertEquals(200, get(node, "/" + socket + "/info").status());
            } finally {
                node.close();
            }
        }
    }

    @Test
    void behindATrustedProxyTheBudgetIsTheForwardedClients() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisMonitor monitor = RedisMonitor.start(redis.host(), redis.port())) {
            WsNode node = start(redis, "--trusted-proxies=127.0.0.1/32");
            try {
                // 203.0.113.1, through the proxy, spends its budget.
                long spending = System.nanoTime();
                assertEquals(BURST, askingRedis(node, redis, monitor, "127.0.0.1", "203.0.113.1", BURST));
                assertTrue(askingRedis(node, redis, monitor, "127.0.0.1", "203.0.113.1", 10) <= refilledSince(spending),
                        "the forwarded client past its budget kept asking Redis");
                // Another forwarded client of the same proxy has its own.
                assertEquals(10, askingRedis(node, redis, monitor, "127.0.0.1", "203.0.113.2", 10),
                        "another client of the same proxy was held to the first one's budget");
                // A peer that is no trusted proxy is counted as itself, whatever X-Forwarded-For it writes:
                // it spends its own budget, not the one of the client it names.
                long untrusted = System.nanoTime();
                assertEquals(BURST, askingRedis(node, redis, monitor, "127.0.0.2", "203.0.113.3", BURST));
                assertTrue(askingRedis(node, redis, monitor, "127.0.0.2", "203.0.113.4", 10) <= refilledSince(untrusted),
                        "an untrusted peer's X-Forwarded-For was believed");
                assertEquals(10, askingRedis(node, redis, monitor, "127.0.0.1", "203.0.113.3", 10));
            } finally {
                node.close();
            }
        }
    }

    /** What a spent budget may have refilled since {@code startedNanos}: a slow machine takes longer, and refills more. */
    private static long refilledSince(long startedNanos) {
        return 1 + (long) Math.ceil(PER_SECOND * (System.nanoTime() - startedNanos) / 1e9);
    }

    /**
     * How many of {@code count} polls of unknown sockets from {@code source} (forwarded for {@code
     * client} when not null), one after another, asked Redis anything.
     */
    private static int askingRedis(WsNode node, RedisServerProcess redis, RedisMonitor monitor, String source,
            String client, int count) throws Exception {
        List<String> guesses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String guess = SocketIds.next();
            guesses.add(guess);
            assertEquals(404, post(node, source, client, "/" + guess + "/000/s/xhr", "").status());
        }
        // A mark: every command sent before it is in the monitor's list now.
        monitor.mark(redis.host(), redis.port(), "counted-" + guesses.get(0));
        return (int) guesses.stream().filter(guess -> !monitor.callsNaming("{" + guess + "}").isEmpty()).count();
    }

    private static WsNode start(RedisServerProcess redis, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--node-id=budget", "--warmup-connects=0",
                "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0", "--applications=app:" + SECRET,
                "--callback-allow-networks=127.0.0.0/8", "--redis-url=" + redis.url(),
                "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("budget"),
                "--unknown-socket-burst=" + BURST, "--max-unknown-sockets-per-second=" + PER_SECOND));
        args.addAll(List.of(more));
        return WsNode.start(NodeConfig.from(Settings.load(args.toArray(String[]::new), Map.of())));
    }

    private record Answer(int status, String body) {
    }

    /** One request on a connection of its own from {@code source}, with {@code X-Forwarded-For: client} if not null. */
    private static Answer post(WsNode node, String source, String client, String path, String body) throws Exception {
        return raw(node, source, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + (client == null ? "" : "X-Forwarded-For: " + client + "\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n"
                + body);
    }

    private static Answer get(WsNode node, String path) throws Exception {
        return raw(node, "127.0.0.1", "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    private static Answer raw(WsNode node, String source, String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(15_000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", node.publicPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            return new Answer(status, body);
        }
    }

    private static String authorize(HttpClient http, WsNode node, String client, URI callback) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + node.apiPort() + "/authorize/" + SECRET + "/" + client))
                .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"" + callback + "\"}"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject().get("socket_id").getAsString();
    }

    private static void publish(HttpClient http, WsNode node, String socket, String message) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + node.apiPort() + "/publish/" + socket))
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String openWebsocket(HttpClient http, WsNode node, String socket) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + node.publicPort() + "/"
                + socket + "/000/ws/websocket"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(15, TimeUnit.SECONDS);
        try {
            return first.get(15, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    /** {@code ws.http.refused{port="public",reason="unknown_sockets"}} as /metrics shows it. */
    private static long refusedUnknown(HttpClient http, WsNode node) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + "/metrics"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("ws_http_refused_total\\{[^}]*port=\"public\"[^}]*reason=\"unknown_sockets\"[^}]*} (\\S+)")
                .matcher(metrics);
        assertTrue(m.find(), "no unknown_sockets series in /metrics");
        return (long) Double.parseDouble(m.group(1));
    }
}
