package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.edge.LoopHandoffs;
import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.Publication.Delivery;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.SocketPresence;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketUse;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The {@link SocketStore} of a single node: two maps behind one lock. Every operation is a few map
 * steps, so holding the lock never blocks a caller for long, and the stages it returns are already
 * complete. Expired sockets are dropped when met, and all of them by a sweep at most once per
 * {@link #SWEEP_INTERVAL_NANOS} of calls, so no timer thread is needed.
 */
public final class MemorySocketStore implements SocketStore {

    static final long SWEEP_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final MemorySessionStore sessionStore;
    private final long idleTimeoutNanos;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private final Map<String, Entry> sockets = new HashMap<>();
    private final Map<ClientKey, String> socketByClient = new HashMap<>();
    private final NewSocketQuota quota;
    /** Per application: the quota's window, the sockets it created in it and their charged bytes. */
    private final Map<String, long[]> createdInWindow = new HashMap<>();
    /**
     * The bound of all applications' new sockets' charged bytes per window: each application's own
     * budget left N tenants together take N times it, past the heap. Per window like the
     * applications' budgets (nothing is given back when a socket expires or is revoked).
     */
    private final long maxNewBytesPerNode;
    /** All applications' new sockets in the quota's window: {window, charged bytes}. */
    private final long[] nodeCreated = {Long.MIN_VALUE, 0};
    private long lastSweep;
    private final RequestReplies requestReplies;
    /**
     * Per application (a caller's, or the anonymous one: the configured few): the window of its
     * request ids' count and the count ({@link #countRequestIds}).
     */
    private final Map<String, long[]> requestIdCounts = new HashMap<>();

    /** @param sessionStore where {@link #publish} queues messages */
    public MemorySocketStore(MemorySessionStore sessionStore, Duration idleTimeout) {
        this(sessionStore, idleTimeout, NewSocketQuota.defaultFor(idleTimeout));
    }

    public MemorySocketStore(MemorySessionStore sessionStore, Duration idleTimeout, NewSocketQuota quota) {
        this(sessionStore, idleTimeout, quota, NewSocketQuota.defaultMemoryMaxNewBytesPerNode());
    }

    /** @param maxNewBytesPerNode the charged bytes of all applications' new sockets per window */
    public MemorySocketStore(MemorySessionStore sessionStore, Duration idleTimeout, NewSocketQuota quota,
            long maxNewBytesPerNode) {
        this(sessionStore, idleTimeout, quota, maxNewBytesPerNode, System::nanoTime);
    }

    /** With a clock of its own, for tests of expiry. */
    public MemorySocketStore(MemorySessionStore sessionStore, Duration idleTimeout, LongSupplier nanoClock) {
        this(sessionStore, idleTimeout, NewSocketQuota.defaultFor(idleTimeout),
                NewSocketQuota.defaultMemoryMaxNewBytesPerNode(), nanoClock);
    }

    private MemorySocketStore(MemorySessionStore sessionStore, Duration idleTimeout, NewSocketQuota quota,
            long maxNewBytesPerNode, LongSupplier nanoClock) {
        if (maxNewBytesPerNode < 1) {
            throw new IllegalArgumentException("maxNewBytesPerNode must be at least 1: " + maxNewBytesPerNode);
        }
        this.sessionStore = sessionStore;
        this.quota = quota;
        this.maxNewBytesPerNode = maxNewBytesPerNode;
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
        this.requestReplies = new RequestReplies(nanoClock);
        // A session's scope is its socket: a websocket's claim in a gone socket's scope creates nothing.
        sessionStore.checkScopesWith(this::lives);
    }

    @Override
    public CompletionStage<Authorization> authorize(String application, String clientId, URI callback) {
        synchronized (lock) {
            long now = now();
            ClientKey client = new ClientKey(application, clientId);
            Entry entry = live(socketByClient.get(client), now);
            boolean created = entry == null;
            if (created) {
                long nowMillis = System.currentTimeMillis();
                long charged = NewSocketQuota.chargedBytes(clientId, callback);
                RuntimeException refused = takeQuota(application, charged, nowMillis);
                if (refused != null) {
                    return CompletableFuture.failedFuture(refused);
                }
                String socketId = SocketIds.next();
                entry = new Entry(new SocketRecord(socketId, application, clientId, callback));
                sockets.put(socketId, entry);
                socketByClient.put(client, socketId);
            } else {
                // A longer callback is charged its growth: a socket made short must not grow uncounted.
                long growth = NewSocketQuota.chargedBytes(clientId, callback)
                        - NewSocketQuota.chargedBytes(clientId, entry.record.callback());
                if (growth > 0) {
                    long nowMillis = System.currentTimeMillis();
                    RuntimeException refused = takeBytes(application, growth, nowMillis);
                    if (refused != null) {
                        return CompletableFuture.failedFuture(refused);
                    }
                }
                entry.record = new SocketRecord(entry.record.socketId(), application, clientId, callback);
            }
            entry.lastUsed = now;
            return CompletableFuture.completedFuture(new Authorization(entry.record, created));
        }
    }

    /**
     * Counts one new socket of {@code application} and its charged bytes, in the application's and
     * the node's counts; the refusal over the quota's count or bytes or the node's bytes (nothing
     * counted then), else null. Under the lock.
     */
    private RuntimeException takeQuota(String application, long charged, long nowMillis) {
        long[] created = createdIn(application, nowMillis);
        if (created[1] >= quota.maxNewPerApplication()) {
            return quota.exceeded(application, nowMillis);
        }
        if (created[2] + charged > quota.maxNewBytesPerApplication()) {
            return quota.bytesExceeded(application, charged, nowMillis);
        }
        long[] node = nodeCreatedIn(nowMillis);
        if (node[1] + charged > maxNewBytesPerNode) {
            return quota.nodeBytesExceeded(maxNewBytesPerNode, charged, nowMillis);
        }
        created[1]++;
        created[2] += charged;
        node[1] += charged;
        return null;
    }

    /**
     * Charges an existing socket's growth to {@code application}'s bytes and the node's; the refusal
     * over either, else null.
     */
    private RuntimeException takeBytes(String application, long growth, long nowMillis) {
        long[] created = createdIn(application, nowMillis);
        if (created[2] + growth > quota.maxNewBytesPerApplication()) {
            return quota.bytesExceeded(application, growth, nowMillis);
        }
        long[] node = nodeCreatedIn(nowMillis);
        if (node[1] + growth > maxNewBytesPerNode) {
            return quota.nodeBytesExceeded(maxNewBytesPerNode, growth, nowMillis);
        }
        created[2] += growth;
        node[1] += growth;
        return null;
    }

    /** All applications' charged bytes in the window of {@code nowMillis}: {window, bytes}. */
    private long[] nodeCreatedIn(long nowMillis) {
        long window = quota.windowAt(nowMillis);
        if (nodeCreated[0] != window) {
            nodeCreated[0] = window;
            nodeCreated[1] = 0;
        }
        return nodeCreated;
    }

    /** {@code application}'s counts in the window of {@code nowMillis}: {window, sockets, bytes}. */
    private long[] createdIn(String application, long nowMillis) {
        long window = quota.windowAt(nowMillis);
        long[] created = createdInWindow.computeIfAbsent(application, name -> new long[] {window, 0, 0});
        if (created[0] != window) {
            created[0] = window;
            created[1] = 0;
            created[2] = 0;
        }
        return created;
    }

    /** Whether the socket exists now (not revoked, not expired); the session store's scope check. */
    boolean lives(String socketId) {
        synchronized (lock) {
            return live(socketId, now()) != null;
        }
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> find(String socketId) {
        synchronized (lock) {
            Entry entry = live(socketId, now());
            return CompletableFuture.completedFuture(Optional.ofNullable(entry).map(e -> e.record));
        }
    }

    @Override
    public CompletionStage<SocketPresence> presence(String socketId, String sessionId) {
        if (lives(socketId)) {
            return CompletableFuture.completedFuture(SocketPresence.LIVE);
        }
        return sessionId == null ? CompletableFuture.completedFuture(SocketPresence.UNKNOWN)
                : sessionStore.status(new SessionKey(socketId, sessionId)).thenApply(status ->
                        status == SessionStatus.NOT_FOUND ? SocketPresence.UNKNOWN : SocketPresence.GONE_WITH_SESSION);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> touch(String socketId) {
        synchronized (lock) {
            Entry entry = used(socketId);
            return CompletableFuture.completedFuture(Optional.ofNullable(entry).map(e -> e.record));
        }
    }

    @Override
    public CompletionStage<SocketUse> use(SessionKey session) {
        return sessionStore.status(session).thenCompose(status -> status != SessionStatus.OPEN
                ? CompletableFuture.completedFuture(SocketUse.notOpen(status))
                : touch(session.scope()).thenApply(socket -> new SocketUse(status, socket)));
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId) {
        return publish(socketId, sessionId, message, requestId, true);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId, boolean newRequestId) {
        if (requestId != null) {
            String application;
            synchronized (lock) {
                Entry entry = live(socketId, now());
                application = entry == null ? "" : entry.record.application();
            }
            try {
                return CompletableFuture.completedFuture(Optional.ofNullable(requestReplies.once(application,
                        socketId, sessionId, requestId, message, newRequestId,
                        () -> publishNow(socketId, sessionId, message).orElse(null))));
            } catch (NewRequestIdRefusedException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(publishNow(socketId, sessionId, message));
    }

    private Optional<Publication> publishNow(String socketId, String sessionId, String message) {
        List<String> sessions;
        synchronized (lock) {
            sessions = sessionsOf(used(socketId), sessionId);
        }
        // Outside the lock: an enqueue calls receivers, which must not wait for socket lookups.
        return Optional.ofNullable(deliver(socketId, sessions, SizedMessages.of(List.of(message))));
    }

    /**
     * As the default (each target as {@link #publish} would), but the sockets looked up in one
     * pass under the lock and the receivers' hand-offs gathered into one task per event loop
     * ({@link LoopHandoffs}): a batch's cost is then its enqueues and writes, not its lookups and
     * loop tasks. With a request id, target by target (each remembered on its own).
     */
    @Override
    public CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId) {
        if (requestId != null) {
            return SocketStore.super.publishAll(targets, requestId);
        }
        List<List<String>> sessions = new ArrayList<>(targets.size());
        synchronized (lock) {
            long now = now();
            for (PublishTarget target : targets) {
                Entry entry = live(target.socketId(), now);
                if (entry != null) {
                    entry.lastUsed = now;
                }
                sessions.add(sessionsOf(entry, target.sessionId()));
            }
        }
        List<Optional<Publication>> answers = new ArrayList<>(targets.size());
        try (LoopHandoffs.Scope handoffs = LoopHandoffs.gather()) {
            String lastText = null;
            SizedMessages lastMessages = null;
            for (int i = 0; i < targets.size(); i++) {
                PublishTarget target = targets.get(i);
                if (target.message() != lastText) { // the "targets" form shares one message: one list
                    lastText = target.message();
                    lastMessages = SizedMessages.of(List.of(lastText));
                }
                answers.add(Optional.ofNullable(deliver(target.socketId(), sessions.get(i), lastMessages)));
            }
        }
        return CompletableFuture.completedFuture(answers);
    }

    @Override
    public CompletionStage<RequestIdCount> countRequestIds(String application, int count, long max) {
        // Answers are kept per socket's application, counts per caller: its own count and the shared one of
        // publishes without a bearer token may both fill it, each over two windows.
        requestReplies.rememberAtLeast(4 * max);
        long nowMillis = System.currentTimeMillis();
        long window = RequestIdCount.windowAt(nowMillis);
        synchronized (requestIdCounts) {
            long[] counted = requestIdCounts.computeIfAbsent(application, name -> new long[] {window, 0});
            if (counted[0] != window) {
                counted[0] = window;
                counted[1] = 0;
            }
            boolean fits = counted[1] + count <= max;
            if (fits) {
                counted[1] += count;
            }
            return CompletableFuture.completedFuture(RequestIdCount.at(nowMillis, fits));
        }
    }

    @Override
    public void uncountRequestIds(String application, long window, int count) {
        synchronized (requestIdCounts) {
            long[] counted = requestIdCounts.get(application);
            if (counted != null && counted[0] == window) {
                counted[1] = Math.max(0, counted[1] - count);
            }
        }
    }

    /** The sessions a publish reaches, read under the lock (a copy); {@code null} without a socket. */
    private static List<String> sessionsOf(Entry entry, String sessionId) {
        if (entry == null) {
            return null;
        }
        return sessionId != null ? List.of(sessionId) : List.copyOf(entry.sessions);
    }

    /** Enqueues {@code messages} for {@code targets}; null without a socket. */
    private Publication deliver(String socketId, List<String> targets, SizedMessages messages) {
        if (targets == null) {
            return null;
        }
        if (targets.size() == 1) { // a socket's one session: the list Publication keeps as it is
            return new Publication(List.of(deliver(socketId, targets.get(0), messages)));
        }
        List<Delivery> deliveries = new ArrayList<>(targets.size());
        for (String target : targets) {
            deliveries.add(deliver(socketId, target, messages));
        }
        return new Publication(deliveries);
    }

    private Delivery deliver(String socketId, String sessionId, SizedMessages messages) {
        Enqueued enqueued = sessionStore.enqueueNow(new SessionKey(socketId, sessionId), messages);
        if (enqueued.result() == EnqueueResult.NOT_FOUND || enqueued.result() == EnqueueResult.CLOSED) {
            removeSession(socketId, sessionId);
        }
        return new Delivery(sessionId, enqueued.result(), enqueued.queueLength());
    }

    @Override
    public CompletionStage<Optional<Revocation>> revoke(String application, String clientId) {
        synchronized (lock) {
            Entry entry = live(socketByClient.get(new ClientKey(application, clientId)), now());
            if (entry == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            remove(entry);
            return CompletableFuture.completedFuture(Optional.of(new Revocation(entry.record, entry.sessions)));
        }
    }

    @Override
    public CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions) {
        synchronized (lock) {
            Entry entry = used(socketId);
            SessionRegistration result;
            if (entry == null) {
                result = SessionRegistration.SOCKET_NOT_FOUND;
            } else if (entry.sessions.contains(sessionId)) {
                result = SessionRegistration.ADDED;
            } else if (entry.sessions.size() >= maxSessions) {
                result = SessionRegistration.LIMIT_REACHED;
            } else {
                entry.sessions.add(sessionId);
                result = SessionRegistration.ADDED;
            }
            return CompletableFuture.completedFuture(result);
        }
    }

    @Override
    public CompletionStage<Boolean> removeSession(String socketId, String sessionId) {
        // An open session under that id is a successor the late notice must not unlist (see SocketStore).
        SessionStatus status = sessionStore.status(new SessionKey(socketId, sessionId)).toCompletableFuture().join();
        if (status == SessionStatus.OPEN) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (lock) {
            Entry entry = used(socketId);
            return CompletableFuture.completedFuture(entry != null && entry.sessions.remove(sessionId));
        }
    }

    /** How many sockets live; for tests and metrics. */
    /**
     * The sessions in the socket's index, if the socket lives, without counting as use: what the
     * tests read behind the {@link SocketStore} contract, which has no such read (the service
     * never needs the index, only {@link #publish} and {@link #revoke} do).
     */
    Optional<Set<String>> index(String socketId) {
        synchronized (lock) {
            return Optional.ofNullable(live(socketId, now())).map(entry -> Set.copyOf(entry.sessions));
        }
    }

    public int size() {
        synchronized (lock) {
            sweep(now());
            return sockets.size();
        }
    }

    private long now() {
        long now = nanoClock.getAsLong();
        if (now - lastSweep >= SWEEP_INTERVAL_NANOS) {
            sweep(now);
        }
        return now;
    }

    private Entry used(String socketId) {
        long now = now();
        Entry entry = live(socketId, now);
        if (entry != null) {
            entry.lastUsed = now;
        }
        return entry;
    }

    /** The entry if it exists and has not expired; an expired one is removed. */
    private Entry live(String socketId, long now) {
        Entry entry = socketId == null ? null : sockets.get(socketId);
        if (entry != null && expired(entry, now)) {
            remove(entry);
            return null;
        }
        return entry;
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsed >= idleTimeoutNanos;
    }

    private void sweep(long now) {
        lastSweep = now;
        for (Iterator<Entry> it = sockets.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (expired(entry, now)) {
                it.remove();
                socketByClient.remove(new ClientKey(entry.record.application(), entry.record.clientId()),
                        entry.record.socketId());
            }
        }
    }

    private void remove(Entry entry) {
        sockets.remove(entry.record.socketId());
        socketByClient.remove(new ClientKey(entry.record.application(), entry.record.clientId()),
                entry.record.socketId());
    }

    private record ClientKey(String application, String clientId) {
    }

    /** Mutable under {@link #lock} only. */
    private static final class Entry {
        SocketRecord record;
        long lastUsed;
        final Set<String> sessions = new LinkedHashSet<>();

        Entry(SocketRecord record) {
            this.record = record;
        }
    }
}
