package io.wildcloud.ws.push;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes with {@link CloseCodes#SOCKET_UNKNOWN} the sessions open on this node whose socket is
 * gone: expired while idle, or revoked while the session was missing from its index. A socket
 * expires silently (a TTL in Redis, or the memory store forgetting it), and a client that only
 * receives would otherwise never hear of it. Every {@linkplain #intervalFor interval} each socket
 * of the sessions with a connection here (a websocket, a stream, a held poll) is looked up
 * ({@link SocketStore#find}, which is no use of the socket); the sessions of a socket not found
 * are closed in the session store, so that their receivers write the close frame whatever the
 * transport. A polling session between polls is closed once its next poll waits here.
 */
public final class SocketExpiryWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketExpiryWatch.class);
    private static final SockJsFrame UNKNOWN = SockJsFrame.close(CloseCodes.SOCKET_UNKNOWN,
            CloseCodes.SOCKET_UNKNOWN_REASON);
    /** Lookups in flight at once: a node with many sockets spreads them instead of bursting. */
    static final int BATCH = 256;
    static final Duration MIN_INTERVAL = Duration.ofMillis(250);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

    private final SocketStore sockets;
    private final SessionStore sessions;
    private final Supplier<? extends Collection<SessionKey>> live;
    private final ScheduledExecutorService executor;
    private final Duration interval;
    private volatile boolean stopped;

    /**
     * @param live the sessions with a connection on this node now
     * @param executor runs the checks (they never block)
     */
    public SocketExpiryWatch(SocketStore sockets, SessionStore sessions, Supplier<? extends Collection<SessionKey>> live,
            ScheduledExecutorService executor, Duration interval) {
        this.sockets = sockets;
        this.sessions = sessions;
        this.live = live;
        this.executor = executor;
        this.interval = interval;
    }

    /**
     * How often to look for a socket idle for {@code idleTimeout}: an eighth of it, between
     * {@link #MIN_INTERVAL} and {@link #MAX_INTERVAL}. A session learns of its socket's expiry at
     * most this long after it.
     */
    public static Duration intervalFor(Duration idleTimeout) {
        Duration eighth = idleTimeout.dividedBy(8);
        return eighth.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL
                : eighth.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : eighth;
    }

    public void start() {
        schedule();
    }

    @Override
    public void close() {
        stopped = true;
    }

    private void schedule() {
        if (!stopped && !executor.isShutdown()) {
            executor.schedule(() -> checkNow().whenComplete((done, error) -> schedule()),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Looks up every socket with a session open here and closes the sessions of those gone. */
    public CompletionStage<Void> checkNow() {
        Map<String, List<SessionKey>> byScope = new LinkedHashMap<>();
        for (SessionKey key : live.get()) {
            byScope.computeIfAbsent(key.scope(), scope -> new ArrayList<>()).add(key);
        }
        return checkBatches(new ArrayList<>(byScope.entrySet()), 0);
    }

    private CompletionStage<Void> checkBatches(List<Map.Entry<String, List<SessionKey>>> all, int from) {
        if (from >= all.size() || stopped) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (Map.Entry<String, List<SessionKey>> socket : all.subList(from, Math.min(all.size(), from + BATCH))) {
            batch.add(check(socket.getKey(), socket.getValue()).toCompletableFuture());
        }
        return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
                .thenCompose(done -> checkBatches(all, from + BATCH));
    }

    private CompletionStage<Void> check(String socketId, List<SessionKey> open) {
        return sockets.find(socketId).thenCompose(found -> {
            if (found.isPresent()) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            log.info("{} is gone (expired or revoked): closing its {} session(s) open on this node with {}",
                    socketId, open.size(), UNKNOWN.text());
            List<CompletableFuture<Boolean>> closes = new ArrayList<>();
            for (SessionKey key : open) {
                closes.add(sessions.close(key, UNKNOWN).toCompletableFuture());
            }
            return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new));
        }).exceptionally(error -> {
            // The store is away: the next round looks again; the health check reports the outage.
            log.debug("{} socket check failed: {}", socketId, error.toString());
            return null;
        });
    }
}
