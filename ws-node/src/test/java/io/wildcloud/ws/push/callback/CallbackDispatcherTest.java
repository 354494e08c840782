package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.push.callback.CallbackServer.Received;
import io.wildcloud.ws.push.callback.CallbackServer.Reply;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.Waits;
import java.net.ServerSocket;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallbackDispatcherTest {

    private static final String SECRET = "app-secret-0123456789";
    private static final SessionKey SESSION = new SessionKey("socket-1", "session-1");

    private CallbackServer server;
    private CallbackDispatcher dispatcher;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws Exception {
        server = new CallbackServer();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (dispatcher != null) {
            dispatcher.close();
        }
        server.close();
    }

    /** The event loops the dispatcher sends on: none here (an HTTP client with its own), a node's in a subclass. */
    EventLoopGroup loops() {
        return null;
    }

    /** The callback servers of these tests listen on loopback, which callbacks may not reach by default. */
    static final CallbackAddresses LOOPBACK_ALLOWED = CallbackAddresses.allowing("127.0.0.0/8", "::1/128");

    private CallbackDispatcher dispatcher(Duration timeout, Duration budget, int concurrency) {
        return dispatcher(timeout, budget, concurrency, 8, CallbackObserver.NONE);
    }

    private CallbackDispatcher dispatcher(Duration timeout, Duration budget, int concurrency, int perHost,
            CallbackObserver observer) {
        dispatcher = new CallbackDispatcher(new CallbackPolicy(timeout, budget, Duration.ofMillis(20),
                Duration.ofMillis(80), concurrency, perHost).withAddresses(LOOPBACK_ALLOWED), observer, loops());
        return dispatcher;
    }

    private CallbackTarget target(URI callback) {
        return new CallbackTarget(callback, "app", SECRET, "socket-1", "client-7");
    }

    private static void await(CompletableFuture<?> future) throws Exception {
        future.get(20, TimeUnit.SECONDS);
    }

    private static List<String> messages(List<Received> received) {
        List<String> messages = new ArrayList<>();
        for (Received request : received) {
            messages.add(CallbackPayload.fromJson(request.body()).message());
        }
        return messages;
    }

    @Test
    void postsSignedPayloadsOneAtATimeInOrder() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(5), Duration.ofSeconds(5), 8);
        CallbackTarget target = target(server.uri("/hook?token=t"));
        CompletableFuture<Void> first = dispatcher.dispatch(SESSION, target, List.of("a", "b")).toCompletableFuture();
        CompletableFuture<Void> second = dispatcher.dispatch(SESSION, target, List.of("c")).toCompletableFuture();
        CompletableFuture<Void> third = dispatcher.dispatch(SESSION, target, List.of("d", "\"e\"\u2028")).toCompletableFuture();
        await(CompletableFuture.allOf(first, second, third));

        List<Received> received = server.received();
        assertEquals(List.of("a", "b", "c", "d", "\"e\"\u2028"), messages(received));
        Set<String> keys = new HashSet<>();
        for (Received request : received) {
            assertEquals(1, request.concurrentAtArrival(), "one request at a time per session");
            assertEquals("/hook", request.path());
            assertEquals("application/json; charset=utf-8", request.contentType());
            assertTrue(CallbackSignature.verify(SECRET, request.body().getBytes(StandardCharsets.UTF_8),
                    request.signature()), request.signature());
            CallbackPayload payload = CallbackPayload.fromJson(request.body());
            assertEquals("session-1", payload.session());
            assertEquals("client-7", payload.client());
            assertTrue(request.idempotencyKey().matches("[A-Za-z0-9_-]{22}"), request.idempotencyKey());
            keys.add(request.idempotencyKey());
        }
        assertEquals(5, keys.size(), "one idempotency key per message");
        Waits.await(() -> dispatcher.stats().pending() == 0, "stats settle", Duration.ofSeconds(10));
        assertEquals(new CallbackStats.Snapshot(5, 5, 0, 5, 0, 0, 0, 0), dispatcher.stats().snapshot());
    }

    @Test
    void retriesA5xxWithTheSameIdempotencyKeyUntilDelivered() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(5), Duration.ofSeconds(10), 8);
        AtomicInteger calls = new AtomicInteger();
        server.script(request -> Reply.status(switch (calls.incrementAndGet()) {
            case 1 -> 503;
            case 2 -> 500;
            default -> 204;
        }));
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("m1", "m2")).toCompletableFuture());
        List<Received> received = server.received();
        assertEquals(List.of("m1", "m1", "m1", "m2"), messages(received));
        assertEquals(received.get(0).idempotencyKey(), received.get(1).idempotencyKey());
        assertEquals(received.get(0).idempotencyKey(), received.get(2).idempotencyKey());
        assertEquals(received.get(0).body(), received.get(2).body());
        assertNotEquals(received.get(0).idempotencyKey(), received.get(3).idempotencyKey());
        assertEquals(new CallbackStats.Snapshot(2, 4, 2, 2, 0, 0, 0, 0), dispatcher.stats().snapshot());
    }

    @Test
    void aClientErrorIsNotRetriedAndTheNextMessageGoesOn() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(5), Duration.ofSeconds(10), 8);
        AtomicInteger calls = new AtomicInteger();
        server.script(request -> Reply.status(calls.incrementAndGet() == 1 ? 400 : 200));
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("bad", "good")).toCompletableFuture());
        assertEquals(List.of("bad", "good"), messages(server.received()));
        assertEquals(new CallbackStats.Snapshot(2, 2, 0, 1, 1, 0, 0, 0), dispatcher.stats().snapshot());
    }

    @Test
    void aTimeoutIsRetried() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofMillis(300), Duration.ofSeconds(10), 8);
        AtomicInteger calls = new AtomicInteger();
        server.script(request -> calls.incrementAndGet() == 1 ? new Reply(200, release) : Reply.status(200));
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("slow")).toCompletableFuture());
        List<Received> received = server.received();
        assertEquals(2, received.size());
        assertEquals(received.get(0).idempotencyKey(), received.get(1).idempotencyKey());
        assertEquals(new CallbackStats.Snapshot(1, 2, 1, 1, 0, 0, 0, 0), dispatcher.stats().snapshot());
    }

    /**
     * Counted, not timed: a loaded machine slows the attempts (fewer fit the budget) but cannot
     * shorten the backoff's waits, so the most attempts any machine can fit in the budget is
     * {@link #mostAttemptsWithin}. A budget not kept means more attempts than that (or retries
     * until the test's await ends).
     */
    @Test
    void givesUpWhenTheRetryBudgetRunsOutAndCountsIt() throws Exception {
        Duration budget = Duration.ofSeconds(1);
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(2), budget, 8);
        server.script(request -> Reply.status(502));
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("lost")).toCompletableFuture());
        int attempts = server.received().size();
        int most = mostAttemptsWithin(budget, Duration.ofMillis(20), Duration.ofMillis(80));
        assertTrue(attempts <= most, attempts + " attempts, more than the " + most + " that the " + budget
                + " budget allows at the shortest backoff");
        assertTrue(attempts >= 2, "retried before giving up: " + attempts);
        assertEquals(1, server.received().stream().map(Received::idempotencyKey).distinct().count());
        CallbackStats.Snapshot stats = dispatcher.stats().snapshot();
        assertEquals(new CallbackStats.Snapshot(1, attempts, attempts - 1, 0, 0, 1, 0, 0), stats);
    }

    /**
     * The most attempts whose starts fit in {@code budget} after the first: each retry waits at
     * least half its backoff ceiling (Backoff), however fast the attempts themselves are.
     */
    private static int mostAttemptsWithin(Duration budget, Duration initialBackoff, Duration maxBackoff) {
        long waited = 0;
        long ceiling = initialBackoff.toNanos();
        int attempts = 1;
        while (true) {
            waited += ceiling / 2;
            if (waited > budget.toNanos()) {
                return attempts;
            }
            attempts++;
            ceiling = Math.min(ceiling * 2, maxBackoff.toNanos());
        }
    }

    @Test
    void aNetworkErrorIsRetriedThenGivenUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(1), Duration.ofMillis(300), 8);
        await(dispatcher.dispatch(SESSION, target(URI.create("http://127.0.0.1:" + closedPort + "/hook")),
                List.of("nobody")).toCompletableFuture());
        CallbackStats.Snapshot stats = dispatcher.stats().snapshot();
        assertEquals(1, stats.givenUp());
        assertTrue(stats.attempts() >= 2, "retried: " + stats);
        assertEquals(0, stats.delivered());
    }

    @Test
    void concurrencyIsBoundedAndASlowSessionDelaysNoOther() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(10), Duration.ofSeconds(20), 2);
        server.script(request -> CallbackPayload.fromJson(request.body()).message().startsWith("held")
                ? new Reply(200, release) : Reply.status(200));
        CallbackTarget target = target(server.uri("/hook"));
        List<CompletableFuture<Void>> held = new ArrayList<>();
        held.add(dispatcher.dispatch(new SessionKey("s", "slow"), target, List.of("held-1", "after-1"))
                .toCompletableFuture());
        Waits.await(() -> server.received().size() == 1, "the slow session's request arrives", Duration.ofSeconds(10));
        CompletableFuture<Void> other = dispatcher.dispatch(new SessionKey("s", "quick"), target, List.of("quick"))
                .toCompletableFuture();
        await(other);
        assertFalse(held.get(0).isDone(), "the slow session is still held");

        held.add(dispatcher.dispatch(new SessionKey("s", "slow-2"), target, List.of("held-2")).toCompletableFuture());
        Waits.await(() -> dispatcher.stats().inFlight() == 2, "two requests held", Duration.ofSeconds(10));
        CompletableFuture<Void> waiting = dispatcher.dispatch(new SessionKey("s", "third"), target, List.of("waits"))
                .toCompletableFuture();
        // The third session's request cannot start: both permits are taken by held requests.
        assertEquals(3, dispatcher.stats().attempts());
        assertFalse(waiting.isDone());

        release.countDown();
        await(CompletableFuture.allOf(held.get(0), held.get(1), waiting));
        assertEquals(5, dispatcher.stats().delivered());
        List<String> slow = messages(server.received()).stream().filter(m -> m.endsWith("-1")).toList();
        assertEquals(List.of("held-1", "after-1"), slow);
    }

    @Test
    void aFailingObserverDoesNotStallDelivery() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 4, 4,
                new CallbackObserver() {
                    @Override
                    public void attemptEnded(String application, Duration took, int status) {
                        throw new IllegalStateException("metrics broke");
                    }
                });
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("a", "b")).toCompletableFuture());
        assertEquals(2, dispatcher.stats().delivered());
    }

    @Test
    void aSlowApplicationHoldsOnlyItsOwnShareOfConnections() throws Exception {
        try (CallbackServer other = new CallbackServer()) {
            CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(10), Duration.ofSeconds(20), 4, 1,
                    CallbackObserver.NONE);
            server.script(request -> new Reply(200, release));
            CallbackTarget slow = target(server.uri("/slow"));
            CompletableFuture<Void> held = dispatcher.dispatch(new SessionKey("s", "a"), slow, List.of("held"))
                    .toCompletableFuture();
            CompletableFuture<Void> queued = dispatcher.dispatch(new SessionKey("s", "b"), slow, List.of("queued"))
                    .toCompletableFuture();
            // In flight as the dispatcher counts it, and arrived at the slow application's server.
            Waits.await(() -> dispatcher.stats().inFlight() == 1 && server.received().size() == 1,
                    "the slow application holds its one connection", Duration.ofSeconds(10));
            await(dispatcher.dispatch(new SessionKey("s", "c"), target(other.uri("/fast")), List.of("fast"))
                    .toCompletableFuture());
            assertEquals(1, other.received().size());
            assertEquals(1, server.received().size(), "the second message to the slow origin waits its turn");
            assertFalse(queued.isDone());
            release.countDown();
            await(CompletableFuture.allOf(held, queued));
            assertEquals(3, dispatcher.stats().delivered());
        }
    }

    /**
     * A hostile (or broken) application hands its clients callbacks to many origins that all
     * hang: the per-origin bound alone let it take every permit of the node, and every other
     * application's messages waited behind it for as long as its callbacks hung (10 s a try,
     * retried for a minute). Its own share per node is the bound now.
     */
    @Test
    void anApplicationWhoseManyOriginsHangHoldsOnlyItsShareOfTheNode() throws Exception {
        List<CallbackServer> hanging = new java.util.ArrayList<>();
        try {
            dispatcher = new CallbackDispatcher(new CallbackPolicy(Duration.ofSeconds(10), Duration.ofSeconds(20),
                    Duration.ofMillis(20), Duration.ofMillis(80), 4, 1).withMaxConcurrencyPerApplication(2)
                    .withAddresses(LOOPBACK_ALLOWED), CallbackObserver.NONE, loops());
            List<CompletableFuture<Void>> held = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CallbackServer origin = new CallbackServer();
                hanging.add(origin);
                origin.script(request -> new Reply(200, release));
                held.add(dispatcher.dispatch(new SessionKey("s", "hostile-" + i), new CallbackTarget(
                        origin.uri("/hang"), "hostile", SECRET, "socket-h" + i, "client-h" + i), List.of("held"))
                        .toCompletableFuture());
            }
            Waits.await(() -> hanging.stream().mapToInt(origin -> origin.received().size()).sum() >= 2,
                    "the hostile application's callbacks arrive and hang", Duration.ofSeconds(10));
            CompletableFuture<Void> other = dispatcher.dispatch(SESSION, target(server.uri("/fast")), List.of("fast"))
                    .toCompletableFuture();
            Waits.await(other::isDone, "another application's message goes while the hostile one's hang",
                    Duration.ofSeconds(5));
            assertEquals(1, server.received().size());
            assertEquals(2, dispatcher.stats().inFlight(), "the hostile application holds its two permits");
            assertEquals(2, hanging.stream().mapToInt(origin -> origin.received().size()).sum(),
                    "the hostile application's third and fourth wait for its own permits");
            release.countDown();
            await(CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)));
            assertEquals(5, dispatcher.stats().delivered());
        } finally {
            release.countDown();
            hanging.forEach(CallbackServer::close);
        }
    }

    @Test
    void theObserverHearsAttemptsAndGiveUpsAndIdleIsReported() throws Exception {
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger givenUp = new AtomicInteger();
        CallbackDispatcher dispatcher = dispatcher(Duration.ofSeconds(2), Duration.ofMillis(100), 4, 4,
                new CallbackObserver() {
                    @Override
                    public void attemptEnded(String application, Duration took, int status) {
                        statuses.add(application.equals("app") && !took.isNegative() ? status : -999);
                    }

                    @Override
                    public void givenUp(String application) {
                        givenUp.incrementAndGet();
                    }
                });
        AtomicInteger calls = new AtomicInteger();
        server.script(request -> calls.incrementAndGet() == 1 ? new Reply(200, release) : Reply.status(500));
        dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("first", "second"));
        assertEquals(Boolean.FALSE, dispatcher.whenIdle(Duration.ofMillis(50)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS));
        release.countDown();
        assertEquals(Boolean.TRUE, dispatcher.whenIdle(Duration.ofSeconds(10)).toCompletableFuture()
                .get(15, TimeUnit.SECONDS));
        assertEquals(200, statuses.get(0));
        assertTrue(statuses.subList(1, statuses.size()).stream().allMatch(s -> s == 500), statuses.toString());
        // The give-up is counted (idle) before the observer hears it, on the thread that gave up.
        Waits.await(() -> givenUp.get() > 0, "the observer hears the give-up", Duration.ofSeconds(10));
        assertEquals(1, givenUp.get());
    }

    private CallbackDispatcher dispatcher(CallbackPolicy policy, CallbackObserver observer) {
        dispatcher = new CallbackDispatcher(policy, observer, loops());
        return dispatcher;
    }

    /** Hears refusals and anomalies. */
    private static final class Heard implements CallbackObserver {
        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void refused(String application, CallbackRefusal refusal) {
            events.add("refused " + refusal.tag());
        }

        @Override
        public void anomaly(String application, CallbackAnomaly anomaly) {
            events.add("anomaly " + anomaly.tag());
        }
    }

    @Test
    void aHugeAnswerIsReadOnlyUpToTheBoundThenTheConnectionIsClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Thread endless = new Thread(() -> {
                try (java.net.Socket socket = listener.accept()) {
                    socket.setSoTimeout(10_000);
                    readHead(socket.getInputStream());
                    var out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 209715200\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] block = new byte[8192];
                    // At most the announced 200 MiB; the node's closing the connection ends it far sooner.
                    while (written.get() < 200L * 1024 * 1024) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                } catch (java.io.IOException e) {
                    // The node closed the connection: what this test wants.
                }
            }, "endless-callback");
            endless.start();
            Heard heard = new Heard();
            CallbackDispatcher dispatcher = dispatcher(new CallbackPolicy(Duration.ofSeconds(10), Duration.ofSeconds(1),
                    Duration.ofMillis(20), Duration.ofMillis(80), 4, 4).withAddresses(LOOPBACK_ALLOWED), heard);
            await(dispatcher.dispatch(SESSION, target(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/hook")),
                    List.of("hi")).toCompletableFuture());
            endless.join(10_000);
            assertFalse(endless.isAlive(), "the node closed the connection");
            assertEquals(List.of("anomaly body_too_large"), heard.events);
            assertEquals(1, dispatcher.stats().delivered(), "a 200 is a 200, however long its body");
            // 64 KiB read; what the kernel's socket buffers took besides is far below the 200 MiB offered.
            assertTrue(written.get() < 32L * 1024 * 1024, "written " + written.get());
        }
    }

    @Test
    void aNameIsResolvedAndTheMessageSentToTheCheckedAddress() throws Exception {
        CallbackDispatcher dispatcher = dispatcher(new CallbackPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(20), Duration.ofMillis(80), 4, 4).withAddresses(LOOPBACK_ALLOWED), CallbackObserver.NONE);
        URI byName = URI.create("http://localhost:" + server.uri("/hook").getPort() + "/hook");
        await(dispatcher.dispatch(SESSION, target(byName), List.of("by name")).toCompletableFuture());
        assertEquals(List.of("by name"), messages(server.received()));
        assertEquals(1, dispatcher.stats().delivered());
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAtConnectTimeAndNothingIsSent() throws Exception {
        Heard heard = new Heard();
        CallbackDispatcher dispatcher = dispatcher(new CallbackPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(20), Duration.ofMillis(80), 4, 4), heard);
        URI byName = URI.create("http://localhost:" + server.uri("/hook").getPort() + "/hook");
        await(dispatcher.dispatch(SESSION, target(byName), List.of("to loopback")).toCompletableFuture());
        assertEquals(List.of(), server.received());
        assertEquals(List.of("refused loopback"), heard.events);
        assertEquals(1, dispatcher.stats().refused());
        assertEquals(new CallbackStats.Snapshot(1, 0, 0, 0, 0, 0, 0, 0), dispatcher.stats().snapshot());
    }

    @Test
    void aRedirectIsNotFollowedButCountedAsRejected() throws Exception {
        Heard heard = new Heard();
        CallbackDispatcher dispatcher = dispatcher(new CallbackPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(20), Duration.ofMillis(80), 4, 4).withAddresses(LOOPBACK_ALLOWED), heard);
        server.script(request -> Reply.status(request.path().equals("/hook") ? 307 : 200));
        await(dispatcher.dispatch(SESSION, target(server.uri("/hook")), List.of("moved")).toCompletableFuture());
        assertEquals(List.of("/hook"), server.received().stream().map(Received::path).toList());
        assertEquals(List.of("anomaly redirect"), heard.events);
        assertEquals(new CallbackStats.Snapshot(1, 1, 0, 0, 1, 0, 0, 0), dispatcher.stats().snapshot());
    }

    /** Reads a request's head and its Content-Length body. */
    private static void readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }
}
