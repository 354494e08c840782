package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What a client sends while Redis stalls (SIGSTOP of the test's own redis-server, by PID): the
 * node reads the socket before it POSTs to the callback, and that read waits the stall out up to
 * the engine's stall bound ({@link RedisEngineConfig#stallBound()}) instead of failing after
 * Redisson's own attempts. A websocket's messages and an xhr_send reach the callback once each,
 * in order, after a stall much longer than Redisson's retry window; a stall past the bound closes
 * the websocket with 1011 instead of dropping what it had accepted.
 */
class InboundThroughStallTest {

    private static final String SECRET = "s".repeat(16);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @AutoClose
    private final Closing cleanup = new Closing();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RedisServerProcess redis;
    private CallbackServer callbacks;
    private String base;

    @AfterEach
    void cleanUp() throws Exception {
        if (redis != null) {
            redis.resume(); // a failed assertion must not leave the engine's shutdown waiting on a stopped Redis
        }
    }

    /** A push service on a Redis engine whose commands give up after about a second (0.5 s, one retry). */
    private RedisEngineConfig start(Duration holdTtl) throws Exception {
        redis = RedisServerProcess.start();
        cleanup.add(redis);
        callbacks = new CallbackServer();
        cleanup.add(callbacks);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("inbound-stall"))
                .withHoldTtl(holdTtl)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
        RedisEngine engine = Waits.join(TestEngines.connect(config, "n1"), WAIT);
        cleanup.add(engine);
        PushModule push = new PushModule(ApplicationRegistry.parse("app:" + SECRET), engine, engine,
                PushLimits.defaults().withCallback(
                        CallbackPolicy.defaults().withAddresses(CallbackAddresses.allowing("127.0.0.0/8"))),
                SockJsOptions.defaults().withDisconnectDelay(Duration.ofSeconds(60)));
        cleanup.add(push);
        String socketId = Waits.join(engine.authorize("app", "client", callbacks.uri("/cb")), WAIT).socket().socketId();
        base = SockJsTestPorts.serve(new SockJsHandler(push.resolver(), engine, engine.nodeId()), cleanup)
                + "/" + socketId;
        return config;
    }

    @Test
    void aWebsocketsMessagesAndAnXhrSendSentDuringAStallReachTheCallbackOnceInOrderAfterIt() throws Exception {
        // A 27 s hold makes the stall bound 18 s; the stall is 12 s, twelve times Redisson's window.
        Duration stall = Duration.ofSeconds(12);
        RedisEngineConfig config = start(Duration.ofSeconds(27));
        assertTrue(stall.compareTo(config.stallBound()) < 0, "the stall must stay below " + config.stallBound());
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = websocket("ws1", frames);
        assertEquals("o", frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("o\n", post("/000/xhr1/xhr", "").body());
        ws.sendText("[\"w0\"]", true).get(10, TimeUnit.SECONDS);
        assertEquals(204, post("/000/xhr1/xhr_send", "[\"x0\"]").statusCode());
        awaitCallbacks(List.of("ws1:w0", "xhr1:x0"));

        CompletableFuture<HttpResponse<String>> send;
        redis.suspend();
        try {
            ws.sendText("[\"w1\"]", true).get(10, TimeUnit.SECONDS);
            ws.sendText("[\"w2\",\"w3\"]", true).get(10, TimeUnit.SECONDS);
            send = postAsync("/000/xhr1/xhr_send", "[\"x1\"]");
            TimeUnit.MILLISECONDS.sleep(stall.toMillis()); // the stall itself, not a wait for a condition
            // Sorted: the two sessions' callbacks race each other (each session's own order is checked above).
            assertEquals(List.of("ws1:w0", "xhr1:x0"), callbackMessages().stream().sorted().toList(),
                    "delivered while Redis was stopped");
            assertTrue(!send.isDone(), "the xhr_send was answered during the stall: " + describe(send));
        } finally {
            redis.resume();
        }
        long resumedAt = System.nanoTime();
        assertEquals(204, send.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        awaitCallbacks(List.of("ws1:w0", "xhr1:x0", "ws1:w1", "ws1:w2", "ws1:w3", "xhr1:x1"));
        System.out.printf("InboundThroughStallTest: a %d s stall; every message at the callback %d ms after it ended%n",
                stall.toSeconds(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt));
        // Nothing more came: each message once.
        ws.sendText("[\"w4\"]", true).get(10, TimeUnit.SECONDS);
        awaitCallbacks(List.of("ws1:w0", "xhr1:x0", "ws1:w1", "ws1:w2", "ws1:w3", "xhr1:x1", "ws1:w4"));
        assertEquals(List.of(), frames.stream().filter(f -> !f.equals("h")).toList(), "the websocket was closed");
    }

    @Test
    void aStallPastTheBoundClosesTheWebsocketWith1011AndAnswersTheXhrSend503() throws Exception {
        // A 6 s hold makes the stall bound 4 s; the stall lasts until both answers came.
        RedisEngineConfig config = start(Duration.ofSeconds(6));
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = websocket("ws1", frames);
        assertEquals("o", frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("o\n", post("/000/xhr1/xhr", "").body());
        ws.sendText("[\"w0\"]", true).get(10, TimeUnit.SECONDS);
        awaitCallbacks(List.of("ws1:w0"));

        redis.suspend();
        long stalledAt = System.nanoTime();
        try {
            ws.sendText("[\"w1\"]", true).get(10, TimeUnit.SECONDS);
            HttpResponse<String> sent = postAsync("/000/xhr1/xhr_send", "[\"x1\"]").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(503, sent.statusCode(), sent.body());
            String close = nextFrameOtherThanHeartbeat(frames);
            assertEquals("c[1011,\"Store unavailable\"]", close);
            long waited = System.nanoTime() - stalledAt;
            System.out.printf("InboundThroughStallTest: stall bound %s; 1011 and 503 within %d ms of the stall%n",
                    config.stallBound(), TimeUnit.NANOSECONDS.toMillis(waited));
            assertTrue(waited >= config.stallBound().toNanos() - TimeUnit.SECONDS.toNanos(1),
                    "gave up after " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms, before the stall bound "
                            + config.stallBound());
        } finally {
            redis.resume();
        }
        assertEquals(List.of("ws1:w0"), callbackMessages());
    }

    private WebSocket websocket(String sessionId, BlockingQueue<String> frames) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http:", "ws:") + "/000/" + sessionId
                + "/websocket"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        frames.add("closed " + statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    /** The next frame that is not a heartbeat, {@code null} if none came within {@link #WAIT}. */
    private static String nextFrameOtherThanHeartbeat(BlockingQueue<String> frames) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String frame;
        do {
            frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } while ("h".equals(frame));
        return frame;
    }

    /** Each callback as {@code <session>:<message>}, in arrival order. */
    private List<String> callbackMessages() {
        return callbacks.received().stream().map(r -> CallbackPayload.fromJson(r.body()))
                .map(p -> p.session() + ":" + p.message()).toList();
    }

    private void awaitCallbacks(List<String> expected) {
        // Sessions are independent: compare each session's messages, in order, and the count.
        Waits.await(() -> callbackMessages().size() >= expected.size(),
                () -> "callbacks " + callbackMessages() + ", expected " + expected, WAIT);
        List<String> got = callbackMessages();
        for (String session : List.of("ws1:", "xhr1:")) {
            assertEquals(expected.stream().filter(m -> m.startsWith(session)).toList(),
                    got.stream().filter(m -> m.startsWith(session)).toList(), "callbacks " + got);
        }
        assertEquals(expected.size(), got.size(), "callbacks " + got);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return postAsync(path, body).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String describe(CompletableFuture<HttpResponse<String>> send) {
        try {
            HttpResponse<String> answer = send.getNow(null);
            return answer == null ? "not yet" : answer.statusCode() + " " + answer.body();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
