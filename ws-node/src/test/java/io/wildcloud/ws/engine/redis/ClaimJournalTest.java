package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;

/**
 * The claim journal claim.lua and claim_open.lua write with a stream's claim ({@link ClaimJournal}):
 * one entry per session however often a call is repeated (Redisson resends a call that got no
 * answer in time), one for a poll that holds the slot (it opened the session, or found nothing and
 * waits) and none for a poll that took messages and released it, and entries older than a hold TTL
 * dropped by the next claim.
 */
class ClaimJournalTest {

    private static final long HOLD_TTL = 60_000;

    private RedisServerProcess redis;
    private RedisEngineConfig config;
    private RedissonClient client;
    private final LuaScripts scripts = new LuaScripts();
    private RedisKeys keys;
    private String journal;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.start();
        config = RedisEngineConfig.of(redis.url()).withKeyPrefix(RedisTestServer.newKeyPrefix("journal"));
        client = RedissonClients.create(config, "ws-test-journal", null);
        keys = new RedisKeys(config.keyPrefix());
        journal = keys.claimJournal("n1", 0);
    }

    @AfterEach
    void stop() {
        client.shutdown();
        redis.close();
    }

    @Test
    void aRepeatedStreamClaimListsItsSessionOnce() throws Exception {
        SessionKey key = new SessionKey("echo", "s1");
        assertEquals("OPENED", claim(key, "r1").get(0));
        String score = redis("ZSCORE", journal, RedisKeys.expiryMember(key));
        assertTrue(score != null && !score.isEmpty(), "not journaled");
        // The repeat of the opening call answers from its reply key and writes nothing.
        assertEquals("OPENED", claim(key, "r1").get(0));
        assertEquals(score, redis("ZSCORE", journal, RedisKeys.expiryMember(key)));
        // A stream claim of the existing session (no reply recorded) and its repeat rewrite the score only.
        assertEquals("ATTACHED", claim(key, "r2").get(0));
        assertEquals("ATTACHED", claim(key, "r2").get(0));
        assertEquals("1", redis("ZCARD", journal));
        long ttl = Long.parseLong(redis("PTTL", journal));
        assertTrue(ttl > 0 && ttl <= HOLD_TTL, "journal TTL " + ttl);
    }

    @Test
    void aRepeatedClaimOpenListsItsSessionOnce() throws Exception {
        String socket = "sock1";
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.session(new SessionKey(socket, "a")),
                keys.queue(new SessionKey(socket, "a")), keys.reply(socket, "r1")));
        scriptKeys.addAll(keys.socketKeys(socket));
        scriptKeys.add(journal);
        // claim_open opens only in a live socket.
        redis("HSET", keys.socketKeys(socket).get(0).toString(), "a", "app", "c", "client", "cb", "http://127.0.0.1:9/");
        for (int call = 0; call < 2; call++) {
            List<Object> answer = client.getScript(HeapStringCodec.INSTANCE).<List<Object>>evalAsync(
                            scriptKeys.get(0).toString(), RScript.Mode.READ_WRITE, scripts.claimOpen.text(),
                            RScript.ReturnType.LIST, scriptKeys, "n1:1", "S", "O", HOLD_TTL, "", 5_000, 30_000,
                            60_000, System.currentTimeMillis(), "a", 10, 3_900_000, 3_600_000,
                            RedisKeys.expiryMember(new SessionKey(socket, "a")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("OPENED", answer.get(0));
        }
        assertEquals(List.of(RedisKeys.expiryMember(new SessionKey(socket, "a"))),
                RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", journal, "0", "-1"));
    }

    @Test
    void aClaimDropsEntriesOlderThanAHoldTtl() throws Exception {
        redis("ZADD", journal, "1", "4:echoancient");
        claim(new SessionKey("echo", "s2"), "r3");
        assertEquals(List.of(RedisKeys.expiryMember(new SessionKey("echo", "s2"))),
                RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", journal, "0", "-1"));
    }

    @Test
    void theEngineJournalsStreamsWebsocketsAndPolls() throws Exception {
        try (RedisEngine engine = join(RedisEngine.start(config, "n1", Duration.ofHours(1)))) {
            // A poll that finds messages holds the slot until it has answered and released: should
            // its node die meanwhile, a takeover must find it.
            SessionKey took = new SessionKey("echo", "poll-took");
            join(engine.claim(took, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver(4)));
            join(engine.release(took, receiver(4).id(), 0, Duration.ofMinutes(1)));
            redis("DEL", journal);
            join(engine.enqueue(took, List.of("m")));
            assertEquals(1, join(engine.claim(took, ClaimMode.POLL, Creation.EXISTING_ONLY, receiver(5)))
                    .pending().size());
            assertEquals(List.of(RedisKeys.expiryMember(took)),
                    RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", journal, "0", "-1"));
            // A poll that opens a session holds its slot until the open frame is answered.
            SessionKey opened = new SessionKey("echo", "poll-opened");
            join(engine.claim(opened, ClaimMode.POLL, Creation.CREATE_IF_MISSING, receiver(1)));
            // A poll that finds nothing holds the slot for its whole wait: journaled like a stream.
            SessionKey waiting = new SessionKey("echo", "poll-waiting");
            join(engine.claim(waiting, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver(6)));
            join(engine.release(waiting, receiver(6).id(), 0, Duration.ofMinutes(1)));
            redis("ZREM", journal, RedisKeys.expiryMember(waiting));
            join(engine.claim(waiting, ClaimMode.POLL, Creation.EXISTING_ONLY, receiver(7)));
            SessionKey stream = new SessionKey("echo", "stream");
            join(engine.claim(stream, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver(2)));
            String socket = join(engine.authorize("app", "client", URI.create("http://127.0.0.1:9/"))).socket()
                    .socketId();
            SessionKey websocket = new SessionKey(socket, "tab");
            join(engine.claim(websocket, ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE, receiver(3)));
            assertEquals(List.of(RedisKeys.expiryMember(took), RedisKeys.expiryMember(opened),
                            RedisKeys.expiryMember(waiting),
                            RedisKeys.expiryMember(stream), RedisKeys.expiryMember(websocket)).stream().sorted()
                    .toList(), RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", journal, "0", "-1")
                    .stream().sorted().toList());
        }
    }

    @Test
    void aTakeoverReadsANodesJournalsOnAClusterByMasterAndSlotBySlotAlike() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String seeds = String.join(",", cluster.nodeUrls()).replace("redis://", "");
            // A reader that may not run EVALSHA: its read by master fails, and it reads slot by slot.
            for (RedisServerProcess master : cluster.masters()) {
                assertEquals("OK", RedisProbe.command(master.host(), master.port(), "ACL", "SETUSER", "slots", "on",
                        ">slots-pw", "+@all", "-evalsha", "~*", "&*"));
            }
            RedisEngineConfig clustered = RedisEngineConfig.of("redis-cluster://" + seeds)
                    .withKeyPrefix(config.keyPrefix());
            List<String> expected = new ArrayList<>();
            try (RedisEngine engine = join(RedisEngine.start(clustered, "n1", Duration.ofHours(1)))) {
                for (int i = 0; i < 40; i++) {
                    SessionKey key = new SessionKey("scope-" + i, "s");
                    join(engine.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver(i)));
                    expected.add(RedisKeys.expiryMember(key));
                }
            }
            assertEquals(expected.stream().sorted().toList(), readAs(clustered).stream().sorted().toList(),
                    "read by master");
            RedisEngineConfig slotBySlot = RedisEngineConfig.of("redis-cluster://slots:slots-pw@" + seeds)
                    .withKeyPrefix(config.keyPrefix());
            assertEquals(expected.stream().sorted().toList(), readAs(slotBySlot).stream().sorted().toList(),
                    "read slot by slot");
        }
    }

    @Test
    void aJournalReadRedisDoesNotAnswerFailsWithoutReadingSlotBySlot() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String seeds = String.join(",", cluster.nodeUrls()).replace("redis://", "");
            RedisEngineConfig reader = RedisEngineConfig.of("redis-cluster://" + seeds)
                    .withKeyPrefix(config.keyPrefix()).withTimeouts(Duration.ofSeconds(1), 0, Duration.ofSeconds(1));
            AtomicInteger slotBySlotBatches = new AtomicInteger();
            RedisMetrics counting = new RedisMetrics() {
                @Override
                public CommandMeter command(String name) {
                    return "zrange".equals(name) ? (nanos, failed) -> slotBySlotBatches.incrementAndGet()
                            : CommandMeter.NONE;
                }
            };
            RedissonClient readerClient = RedissonClients.create(reader, "ws-test-reader", null);
            RedisRuntime runtime = RedisRuntime.on(readerClient, reader, "reader", counting);
            try {
                join(runtime.scripts().loadAll(runtime.script(), runtime.gate()));
                RedisServerProcess stalled = cluster.masters().get(0);
                stalled.suspend();
                Throwable error;
                try {
                    error = new ClaimJournal(runtime).read("n1").handle((members, failure) -> failure)
                            .toCompletableFuture().get(60, TimeUnit.SECONDS);
                } finally {
                    stalled.resume();
                }
                assertTrue(error != null && StoreErrors.unanswered(error), "not a timeout: " + error);
                // 16384 ZRANGEs would only have met the same stalled master, one batch after the other.
                assertEquals(0, slotBySlotBatches.get(), "slot-by-slot batches after a read that timed out");
            } finally {
                runtime.shutdown();
            }
        }
    }

    /**
     * A master's journals are read in one call of a few arguments however many slots it serves:
     * with a journal name per slot (5461 a master) Redisson spent up to a second of CPU on its I/O
     * threads per call, and the node's own commands on those threads (its sweeps, claims and
     * publishes) waited for it, long enough that its sweeps' gap read as a store gap.
     */
    @Test
    void aTakeoverReadsAMastersJournalsInOneCallOfAFewArguments() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String seeds = String.join(",", cluster.nodeUrls()).replace("redis://", "");
            RedisEngineConfig clustered = RedisEngineConfig.of("redis-cluster://" + seeds)
                    .withKeyPrefix(config.keyPrefix());
            List<String> expected = new ArrayList<>();
            try (RedisEngine engine = join(RedisEngine.start(clustered, "n1", Duration.ofHours(1)))) {
                for (int i = 0; i < 40; i++) {
                    SessionKey key = new SessionKey("scope-" + i, "s");
                    join(engine.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver(i)));
                    expected.add(RedisKeys.expiryMember(key));
                }
            }
            List<RedisMonitor> monitors = new ArrayList<>();
            List<Integer> starts = new ArrayList<>();
            try {
                for (RedisServerProcess master : cluster.masters()) {
                    RedisMonitor monitor = RedisMonitor.start(master.host(), master.port());
                    monitors.add(monitor);
                    // MONITOR is on once it saw this mark: no read can come before it unseen.
                    starts.add(monitor.mark(master.host(), master.port(), "read-start"));
                }
                assertEquals(expected.stream().sorted().toList(), readAs(clustered).stream().sorted().toList());
                for (int i = 0; i < monitors.size(); i++) {
                    RedisServerProcess master = cluster.masters().get(i);
                    int end = monitors.get(i).mark(master.host(), master.port(), "read-done");
                    List<String> reads = monitors.get(i).between(starts.get(i), end).stream()
                            .filter(command -> command.startsWith("\"EVALSHA\"")).toList();
                    assertTrue(!reads.isEmpty(), "no claims_read.lua run on master " + master.port());
                    for (String read : reads) {
                        // EVALSHA, its sha, the key count, one journal, and three arguments: head, tail, tags.
                        int words = read.split("\" \"", -1).length;
                        assertTrue(words <= 7, "claims_read.lua sent with " + words + " words to " + master.port());
                    }
                }
            } finally {
                for (RedisMonitor monitor : monitors) {
                    monitor.close();
                }
            }
        }
    }

    /** What a node connected with {@code reader}'s settings reads of node n1's journals. */
    private static java.util.Set<String> readAs(RedisEngineConfig reader) throws Exception {
        RedissonClient client = RedissonClients.create(reader, "ws-test-reader", null);
        RedisRuntime runtime = RedisRuntime.on(client, reader, "reader", RedisMetrics.NONE);
        try {
            join(runtime.scripts().loadAll(runtime.script(), runtime.gate()));
            // Correctness, not speed: the slot-by-slot fallback costs the client ~7 s of CPU by
            // design, past 10 s on a loaded machine (BENCHMARKS.md has its figures).
            return new ClaimJournal(runtime).read("n1").toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            runtime.shutdown();
        }
    }

    /** claim.lua, a stream's claim of {@code key} that creates it if missing, as call {@code callId}. */
    private List<Object> claim(SessionKey key, String callId) throws Exception {
        List<Object> scriptKeys = List.of(keys.session(key), keys.queue(key), keys.reply(key.scope(), callId), journal);
        return client.getScript(HeapStringCodec.INSTANCE).<List<Object>>evalAsync(keys.session(key),
                        RScript.Mode.READ_WRITE, scripts.claim.text(), RScript.ReturnType.LIST, scriptKeys,
                        "n1:1", "S", "C", HOLD_TTL, "", 5_000, 30_000, 60_000, System.currentTimeMillis(),
                        RedisKeys.expiryMember(key))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static CollectingReceiver receiver(long connection) {
        return new CollectingReceiver(new ReceiverId("n1", connection), new CopyOnWriteArrayList<>());
    }

    private String redis(String... command) throws Exception {
        return RedisProbe.command(redis.host(), redis.port(), command);
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
