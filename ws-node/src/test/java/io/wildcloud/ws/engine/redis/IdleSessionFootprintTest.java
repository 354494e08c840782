package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What idle websocket sessions cost Redis, counted rather than timed (issue 16): the keys and
 * bytes ({@code MEMORY USAGE}) each keeps, and the commands their hold renewals make. A change of
 * the key layout or of the renewal that makes an idle session dearer fails here; BENCHMARKS.md has
 * the figures at 19,000 sessions per node.
 */
class IdleSessionFootprintTest {

    private static final int SESSIONS = 200;
    /**
     * Bytes of Redis keys per idle session, socket included (MEMORY USAGE of its hash with the
     * session index, client key and session hash: 680 bytes per session with the index in a set of
     * its own, 456 once it moved into the socket's hash).
     */
    private static final int MAX_KEY_BYTES_PER_SESSION = 500;
    /** As {@link #MAX_KEY_BYTES_PER_SESSION}, with the node's held list and expiry index: 811 before issue 16's lean layout, 522 after. */
    private static final int MAX_BYTES_PER_SESSION_SHARED_INCLUDED = 600;
    private static final Pattern SESSION_KEY = Pattern.compile("\\}:s:");

    @Test
    void anIdleSessionKeepsThreeKeysOfBoundedSize() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("idle");
            try (RedisEngine engine = join(TestEngines.connect(config(redis, prefix, RedisEngineConfig.DEFAULT_HOLD_TTL), "n"))) {
                openIdleSessions(engine);
                Map<String, Integer> kinds = new TreeMap<>();
                Map<String, Long> bytesByKind = new TreeMap<>();
                long bytes = 0;
                for (String key : RedisProbe.commandList(redis.host(), redis.port(), "KEYS", prefix + "*")) {
                    String kind = kindOf(key);
                    if (kind.equals("reply")) {
                        // A writing script's answer, kept for Redisson's retries only: seconds, not the session's life.
                        long ttl = Long.parseLong(RedisProbe.command(redis.host(), redis.port(), "PTTL", key));
                        // -2: it expired since KEYS listed it; -1 (no TTL) would keep it for good.
                        assertTrue(ttl == -2 || ttl > 0 && ttl <= 120_000, key + " lives " + ttl + " ms");
                        continue;
                    }
                    kinds.merge(kind, 1, Integer::sum);
                    long usage = Long.parseLong(RedisProbe.command(redis.host(), redis.port(), "MEMORY", "USAGE", key,
                            "SAMPLES", "0"));
                    bytesByKind.merge(kind, usage, Long::sum);
                    if (!kind.equals("node")) {
                        bytes += usage;
                    }
                }
                System.out.printf("idle sessions: %s keys, %d bytes of keys per session; per session by kind: %s%n",
                        kinds, bytes / SESSIONS, perSession(bytesByKind));
                for (String kind : List.of("socket", "client", "session")) {
                    assertEquals(SESSIONS, kinds.getOrDefault(kind, 0), kind + " keys: " + kinds);
                }
                // No session set of its own per socket: the index is in the socket's hash.
                assertEquals(3 * SESSIONS, kinds.entrySet().stream().filter(e -> !e.getKey().equals("node"))
                        .mapToInt(Map.Entry::getValue).sum(), "keys per session: " + kinds);
                assertTrue(bytes / SESSIONS <= MAX_KEY_BYTES_PER_SESSION,
                        bytes / SESSIONS + " bytes of keys per idle session: " + kinds);
                // Nor an expiry index entry: a held session's cover is its node's roster entry (until
                // this change, ~170 bytes per idle session in the index's skiplists at 19,000).
                long entries = 0;
                for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
                    entries += Long.parseLong(RedisProbe.command(redis.host(), redis.port(), "ZCARD",
                            new RedisKeys(prefix).expiryShard(shard)));
                }
                assertEquals(0, entries, "expiry index entries of idle held sessions");
                // Pub/sub: the node's wake-up and presence channels, however many sessions it holds
                // (until issue 16, one channel per socket, which cost Redis memory per session too).
                List<String> channels = RedisProbe.commandList(redis.host(), redis.port(), "PUBSUB", "CHANNELS",
                        prefix + "*");
                assertEquals(2, channels.size(), "channels subscribed to: " + channels);
            }
        }
    }

    /**
     * Bytes per idle session with the node's shared keys (held list, expiry index) included, as a
     * node holding thousands keeps them: 19,000 sessions make a zset a skiplist, which 200 do not,
     * so this Redis keeps every zset as one. Measured once a renewal listed the sessions and the
     * claim journal expired (a hold TTL after the last claim). 811 bytes per session while held
     * sessions had expiry index entries and the held list was a zset; 522 since.
     */
    @Test
    void anIdleSessionCostsRedisBoundedBytesSharedKeysIncluded() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            assertEquals("OK", RedisProbe.command(redis.host(), redis.port(), "CONFIG", "SET",
                    "zset-max-listpack-entries", "0"));
            String prefix = RedisTestServer.newKeyPrefix("idle");
            RedisKeys keys = new RedisKeys(prefix);
            try (RedisEngine engine = join(TestEngines.connect(config(redis, prefix, Duration.ofSeconds(3)), "n"))) {
                openIdleSessions(engine);
                String journal = keys.claimJournal("n", 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!(RedisProbe.command(redis.host(), redis.port(), "EXISTS", journal).equals("0")
                        && RedisProbe.command(redis.host(), redis.port(), "EXISTS", keys.held("n")).equals("1"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                // One more renewal, so that the held list lists every session.
                Thread.sleep(1_500);
                Map<String, Long> bytesByKind = new TreeMap<>();
                long bytes = 0;
                for (String key : RedisProbe.commandList(redis.host(), redis.port(), "KEYS", prefix + "*")) {
                    String kind = kindOf(key);
                    if (kind.equals("reply")) {
                        continue; // a claim's answer for Redisson's retries: seconds to a minute, not the session's life
                    }
                    long usage = Long.parseLong(RedisProbe.command(redis.host(), redis.port(), "MEMORY", "USAGE", key,
                            "SAMPLES", "0"));
                    bytesByKind.merge(kind.equals("node") ? key.substring(prefix.length()) : kind, usage, Long::sum);
                    bytes += usage;
                }
                System.out.printf("idle sessions, shared keys included: %d bytes per session; by key: %s%n",
                        bytes / SESSIONS, perSession(bytesByKind));
                assertTrue(bytesByKind.containsKey("held:{n}"), "no held list: " + bytesByKind.keySet());
                assertTrue(bytes / SESSIONS <= MAX_BYTES_PER_SESSION_SHARED_INCLUDED,
                        bytes / SESSIONS + " bytes per idle session, shared keys included: " + perSession(bytesByKind));
            }
        }
    }

    @Test
    void holdRenewalsOfIdleSessionsAreOneScriptCallForAll() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisMonitor monitor = RedisMonitor.start(redis.host(), redis.port())) {
            String prefix = RedisTestServer.newKeyPrefix("idle");
            // The shortest hold TTL: renewals every second, so that a few come within the wait.
            try (RedisEngine engine = join(TestEngines.connect(config(redis, prefix, Duration.ofSeconds(3)), "n"))) {
                openIdleSessions(engine);
                System.out.println(java.time.LocalTime.now() + ": sessions open");
                int start = monitor.mark(redis.host(), redis.port(), "idle-start");
                String touch = new LuaScripts().touch.sha();
                List<String> window = List.of();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (window.stream().filter(c -> c.contains(touch)).count() < 3 && System.nanoTime() < deadline) {
                    window = monitor.between(start, monitor.mark(redis.host(), redis.port(), "idle-now"));
                }
                List<String> touches = window.stream().filter(c -> c.contains(touch)).toList();
                System.out.printf("%s: %d renewals in a window of %d commands%n", java.time.LocalTime.now(), touches.size(),
                        window.size());
                assertTrue(touches.size() >= 3, "renewals seen while idle: " + touches.size());
                for (String call : touches) {
                    assertEquals(SESSIONS, SESSION_KEY.matcher(call).results().count(), "sessions one renewal covers");
                }
                List<String> perSession = new ArrayList<>(window.stream()
                        .filter(c -> !c.contains(touch) && (SESSION_KEY.matcher(c).find() || c.contains("}:sock")))
                        .toList());
                assertEquals(List.of(), perSession, "commands naming a session or socket while idle, renewals aside");
            }
        }
    }

    /** SESSIONS sockets with a websocket session each (created only, streaming, listed in the socket's index). */
    private static void openIdleSessions(RedisEngine engine) throws Exception {
        for (int i = 0; i < SESSIONS; i++) {
            String socket = join(engine.authorize("app", "client-" + i, URI.create("http://127.0.0.1:9/"))).socket()
                    .socketId();
            join(engine.claim(new SessionKey(socket, "tab"), ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE,
                    new CollectingReceiver(new ReceiverId("n", i), new CopyOnWriteArrayList<>())));
            join(engine.addSession(socket, "tab", 10));
        }
    }

    /** Bytes per session of each kind of key ("node": the keys all sessions share, expiry index included). */
    private static Map<String, Long> perSession(Map<String, Long> bytesByKind) {
        Map<String, Long> perSession = new TreeMap<>();
        bytesByKind.forEach((kind, total) -> perSession.put(kind, total / SESSIONS));
        return perSession;
    }

    private static String kindOf(String key) {
        if (key.contains(":r:")) {
            return "reply";
        } else if (key.endsWith("}:sock")) {
            return "socket";
        } else if (key.endsWith("}:sessions")) {
            // The session set of builds before the index moved into the socket's hash.
            return "socket-sessions";
        } else if (key.contains("client:{")) {
            return "client";
        } else if (SESSION_KEY.matcher(key).find()) {
            return "session";
        } else if (key.contains("}:q:")) {
            return "queue";
        }
        // Shared by all the node's sessions: epoch, roster, held set, expiry index shards.
        return "node";
    }

    private static RedisEngineConfig config(RedisServerProcess redis, String prefix, Duration holdTtl) {
        return RedisEngineConfig.of(redis.url()).withKeyPrefix(prefix).withHoldTtl(holdTtl);
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
