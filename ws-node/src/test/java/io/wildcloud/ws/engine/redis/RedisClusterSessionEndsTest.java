package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Session ends ({@link SessionEnds}, end.lua) on a real Redis Cluster of three masters: the
 * websocket sessions of many sockets, so of many slots on every master, all end at once (a mass
 * disconnect), more than one step of {@link SessionEnds#PER_RUN}. Each end must remove its
 * session's keys, take it out of its socket's index, and answer "was open" exactly once (what
 * makes the push service hear of the close), even when one session's end is asked twice in one
 * step; nothing may be heard of later as expired.
 */
class RedisClusterSessionEndsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SOCKETS = 120;
    private static final int SESSIONS_PER_SOCKET = 3;
    private static final SockJsFrame INTERRUPTED = SockJsFrame.close(1002, "Connection interrupted");

    @Test
    void endsOfSessionsOverManySlotsEachEndOnceAndLeaveNothing() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String prefix = RedisTestServer.newKeyPrefix("ends-cluster");
            String url = "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(url, prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            Map<SessionKey, AtomicInteger> expired = new ConcurrentHashMap<>();
            try (RedisEngine engine = join(TestEngines.connect(config, "n1"))) {
                engine.setExpiryListener(key -> expired.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                List<SessionKey> sessions = openWebSocketSessions(engine);
                Set<Integer> slots = new HashSet<>();
                sessions.forEach(key -> slots.add(ClusterSlots.of(new RedisKeys(prefix).session(key))));
                assertTrue(slots.size() > 100, "sessions over many slots: " + slots.size());

                // Every session ends at once; a third of them twice (the second in the same step).
                Map<SessionKey, List<CompletionStage<Boolean>>> ends = new TreeMap<>(
                        (a, b) -> (a.scope() + a.sessionId()).compareTo(b.scope() + b.sessionId()));
                for (int i = 0; i < sessions.size(); i++) {
                    SessionKey key = sessions.get(i);
                    List<CompletionStage<Boolean>> asked = new ArrayList<>();
                    asked.add(engine.end(key, INTERRUPTED));
                    if (i % 3 == 0) {
                        asked.add(engine.end(key, INTERRUPTED));
                    }
                    ends.put(key, asked);
                }
                Map<String, Integer> heard = new TreeMap<>();
                for (Map.Entry<SessionKey, List<CompletionStage<Boolean>>> end : ends.entrySet()) {
                    int wasOpen = 0;
                    for (CompletionStage<Boolean> answer : end.getValue()) {
                        wasOpen += join(answer) ? 1 : 0;
                    }
                    if (wasOpen != 1) {
                        heard.put(end.getKey().toString(), wasOpen);
                    }
                }
                assertEquals(Map.of(), heard, "sessions whose end was not heard of exactly once (times heard)");
                // The push service's removeSession after the end: already done by end.lua.
                for (SessionKey key : sessions) {
                    assertTrue(join(engine.removeSession(key.scope(), key.sessionId())), key + " left its index");
                }

                List<String> leftBehind = new ArrayList<>();
                for (RedisServerProcess master : cluster.masters()) {
                    for (String name : keys(master, prefix + "*")) {
                        if (name.contains("}:s:") || name.contains("}:q:")) {
                            leftBehind.add(name); // a session hash or queue
                        } else if (name.endsWith("}:sock")) {
                            for (String field : RedisProbe.commandList(master.host(), master.port(), "HKEYS", name)) {
                                if (field.startsWith("s:")) {
                                    leftBehind.add(name + " " + field); // an index entry
                                }
                            }
                        }
                    }
                }
                assertEquals(List.of(), leftBehind, "keys and index entries of ended sessions");
                // A sweep past the hold TTL finds nothing of them to hear of.
                SessionKey witness = new SessionKey("echo", "witness");
                CollectingReceiver w = receiver(engine, 1_000_000);
                join(engine.claim(witness, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, w));
                join(engine.release(witness, w.id(), 0, config.holdTtl().plusSeconds(1)));
                Waits.await(() -> expired.containsKey(witness), () -> "no expiry notice for the witness", WAIT);
                expired.remove(witness);
                assertEquals(Map.of(), Map.copyOf(expired), "ended sessions heard of as expired");
            }
        }
    }

    /** Opens {@link #SESSIONS_PER_SOCKET} websocket sessions (claim_open, admitted) on each of {@link #SOCKETS} sockets. */
    private static List<SessionKey> openWebSocketSessions(RedisEngine engine) {
        List<SessionKey> sessions = new ArrayList<>();
        AtomicLong connections = new AtomicLong();
        for (int s = 0; s < SOCKETS; s++) {
            String socket = join(engine.authorize("app", "client-" + s, URI.create("http://127.0.0.1:9/"))).socket()
                    .socketId();
            for (int i = 0; i < SESSIONS_PER_SOCKET; i++) {
                SessionKey key = new SessionKey(socket, "ws" + i);
                Claim claim = join(engine.claim(key, ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE,
                        receiver(engine, connections.incrementAndGet())));
                assertEquals(Claim.Outcome.OPENED, claim.outcome(), key.toString());
                assertEquals(SessionRegistration.ADDED, join(engine.addSession(socket, key.sessionId(), 10)));
                sessions.add(key);
            }
        }
        return sessions;
    }

    private static CollectingReceiver receiver(RedisEngine engine, long connection) {
        return new CollectingReceiver(new ReceiverId(engine.nodeId(), connection), new CopyOnWriteArrayList<>());
    }

    private static List<String> keys(RedisServerProcess master, String pattern) {
        try {
            return RedisProbe.commandList(master.host(), master.port(), "KEYS", pattern);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }
}
