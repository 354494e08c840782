package io.wildcloud.ws.push.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.edge.CompactHttpHeaders;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.IdleReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The API port's pipeline on an {@link EmbeddedChannel} over the real memory stores, with helpers
 * that open SockJS sessions the way the polling transport does.
 */
final class ApiTestBed implements AutoCloseable {

    static final String SECRET = "demo-secret-0123456789";
    /** A second application's secret, for the bearer checks. */
    static final String OTHER_SECRET = "other-secret-0123456789";
    static final int MAX_MESSAGE_BYTES = 64;
    static final int MAX_BODY_BYTES = 512;
    static final int MAX_TARGETS = 6;

    final ApplicationRegistry applications = ApplicationRegistry.parse("demo:" + SECRET + ",other:" + OTHER_SECRET);
    final SocketStore sockets;
    final MemorySessionStore sessions;
    final ApiHandlers handlers;
    private final AtomicLong connections = new AtomicLong();

    ApiTestBed() {
        this(ApiAccess.defaults());
    }

    ApiTestBed(ApiAccess access) {
        this(sessions -> new MemorySocketStore(sessions, Duration.ofHours(1)), access);
    }

    ApiTestBed(SocketStore sockets) {
        this(sockets, PushLimits.defaults());
    }

    /** Over {@code sockets}, publishes charged to a budget of {@code limits}. */
    ApiTestBed(SocketStore sockets, PushLimits limits) {
        this(sessions -> sockets, ApiAccess.defaults(), limits);
    }

    private ApiTestBed(Function<MemorySessionStore, SocketStore> socketStore, ApiAccess access) {
        this(socketStore, access, PushLimits.defaults());
    }

    private ApiTestBed(Function<MemorySessionStore, SocketStore> socketStore, ApiAccess access, PushLimits limits) {
        this.sessions = new MemorySessionStore(2);
        this.sockets = socketStore.apply(this.sessions);
        this.handlers = new ApiHandlers(applications, new PushOperations(sockets, sessions, PushMetrics.NONE, limits),
                MAX_MESSAGE_BYTES, MAX_BODY_BYTES, MAX_TARGETS, access);
    }

    /** Publishes under {@code limits} (their publish budget and session limit), told to {@code metrics}. */
    ApiTestBed(PushLimits limits, int maxQueuedMessages, PushMetrics metrics) {
        this.sessions = new MemorySessionStore(maxQueuedMessages);
        this.sockets = new MemorySocketStore(sessions, Duration.ofHours(1));
        this.handlers = new ApiHandlers(applications, new PushOperations(sockets, sessions, metrics, limits),
                MAX_MESSAGE_BYTES, MAX_BODY_BYTES, MAX_TARGETS, ApiAccess.defaults());
    }

    EmbeddedChannel channel() {
        return new EmbeddedChannel(CompactHttpHeaders.serverCodec(), handlers.newAggregator(), handlers.newHandler());
    }

    /** Writes raw request bytes and returns every response byte written so far, as text. */
    static String exchange(EmbeddedChannel channel, String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        channel.runPendingTasks();
        return readOutbound(channel);
    }

    static String readOutbound(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** A POST with an {@code Authorization} header. */
    static String post(String path, String authorization, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: api\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String request(String method, String path, String authorization) {
        return method + " " + path + " HTTP/1.1\r\nHost: api\r\nAuthorization: " + authorization
                + "\r\nContent-Length: 0\r\n\r\n";
    }

    static String request(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\n";
    }

    /** The exact bytes of an API response with a JSON body. */
    static String response(String status, String json) {
        return "HTTP/1.1 " + status + "\r\n"
                + "content-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "cache-control: no-store\r\n\r\n" + json;
    }

    static String error(String status, String code, String message) {
        return response(status, "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    String authorize(String client) throws Exception {
        return authorize("demo", client);
    }

    /** A socket of {@code application} ({@code demo} or {@code other}) for {@code client}. */
    String authorize(String application, String client) throws Exception {
        return sockets.authorize(application, client, java.net.URI.create("http://127.0.0.1:9/cb"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS).socket().socketId();
    }

    /** Opens a session as a first poll does, releases the poll, and adds it to the socket's index. */
    void openSession(String socketId, String sessionId) throws Exception {
        SessionKey key = new SessionKey(socketId, sessionId);
        ReceiverId receiver = new ReceiverId("test", connections.incrementAndGet());
        Claim claim = sessions.claim(key, ClaimMode.POLL, SessionStore.Creation.CREATE_IF_MISSING, new IdleReceiver(receiver))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (claim.outcome() != Claim.Outcome.OPENED) {
            throw new IllegalStateException("session " + key + " not opened: " + claim);
        }
        sessions.release(key, receiver, 0, Duration.ofMinutes(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        sockets.addSession(socketId, sessionId, 16).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** What the session's next poll receives. */
    Claim poll(String socketId, String sessionId) throws Exception {
        ReceiverId receiver = new ReceiverId("test", connections.incrementAndGet());
        return sessions.claim(new SessionKey(socketId, sessionId), ClaimMode.POLL,
                SessionStore.Creation.CREATE_IF_MISSING, new IdleReceiver(receiver)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static List<String> messages(Claim claim) {
        return claim.pending().stream().map(QueuedMessage::message).toList();
    }

    @Override
    public void close() {
        sessions.close();
    }

    /** A receiver for polls that the tests read through {@link Claim}s only. */
}
