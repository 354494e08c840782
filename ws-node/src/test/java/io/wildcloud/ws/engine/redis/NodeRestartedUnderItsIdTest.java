package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node whose process died and came back under the same node id (docker-compose's fixed
 * {@code WS_NODE_ID}, a Kubernetes pod name) before any node judged it dead: its presence is back,
 * yet the receivers of the process before it are gone. A client of one of the dead process's
 * sessions that polls another node must get the slot, not {@code c[2010]} after its busy retries;
 * a receiver of the new process still keeps it. Before, presence per node id made the dead
 * process's receivers look alive.
 */
class NodeRestartedUnderItsIdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RESTARTED = "restarted";

    @Test
    void anotherNodeTakesTheSlotOfTheProcessBeforeTheRestartButNotOfTheNewOne() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("same-id");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine before = Waits.join(TestEngines.connect(config, RESTARTED), WAIT)) {
                SessionKey old = new SessionKey("echo", "old");
                Claim held = Waits.join(before.claim(old, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                        receiver(new ReceiverId(RESTARTED, before.firstReceiver() + 1))), WAIT);
                assertEquals(Claim.Outcome.OPENED, held.outcome());

                // The new process subscribes before the old one's connections are gone: no scan
                // ever finds the node id absent, so no takeover runs. The old one heartbeats no more.
                stopHeartbeats(before);
                try (RedisEngine after = Waits.join(TestEngines.connect(config, RESTARTED), WAIT)) {
                    long firstOfNew = after.firstReceiver();
                    before.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                    ReceiverId poller = new ReceiverId("living", 1);
                    Claim polled = Waits.join(living.claim(old, ClaimMode.STREAM, Creation.EXISTING_ONLY,
                            receiver(poller)), WAIT);
                    assertEquals(Claim.Outcome.ATTACHED, polled.outcome(), "the dead process's receiver looked alive");
                    assertEquals(poller.encode(), redis.command("HGET", keys.session(old), "h"), "its holder");

                    SessionKey fresh = new SessionKey("echo", "fresh");
                    assertEquals(Claim.Outcome.OPENED, Waits.join(after.claim(fresh, ClaimMode.STREAM,
                            Creation.CREATE_IF_MISSING, receiver(new ReceiverId(RESTARTED, firstOfNew + 1))), WAIT)
                            .outcome());
                    assertEquals(Claim.Outcome.BUSY, Waits.join(living.claim(fresh, ClaimMode.STREAM,
                            Creation.EXISTING_ONLY, receiver(new ReceiverId("living", 2))), WAIT).outcome(),
                            "the new process's receiver was taken for dead");
                }
            }
        }
    }

    /**
     * The process restarted under the dead one's id while another node takes the dead one over:
     * it lists itself on the roster (a later score) and writes its held list. The taker must leave
     * both: before, it took the node id off the roster and deleted the new process's held list.
     */
    @Test
    void aTakeoverLeavesTheRosterEntryAndHeldListOfTheProcessRestartedMeanwhile() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("same-id-roster");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withHoldTtl(Duration.ofSeconds(15)).withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            int sessions = 1500;
            AtomicInteger heard = new AtomicInteger();
            String newScore = Long.toString(System.currentTimeMillis() + 60_000);
            String newList = HeldList.encode(List.of(RedisKeys.expiryMember(new SessionKey("echo", "renewed"))));
            CompletableFuture<Socket> restarted = new CompletableFuture<>();
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine dying = Waits.join(TestEngines.connect(config, RESTARTED), WAIT)) {
                living.setExpiryListener(key -> {
                    if (heard.incrementAndGet() == 1) {
                        // The takeover read the roster and is ending the dead process's sessions.
                        restarted.complete(restart(redis, keys, newScore, newList));
                    }
                });
                List<CompletableFuture<Claim>> claims = new ArrayList<>();
                for (int i = 1; i <= sessions; i++) {
                    claims.add(dying.claim(new SessionKey("echo", "s" + i), ClaimMode.STREAM,
                            Creation.CREATE_IF_MISSING, receiver(new ReceiverId(RESTARTED, i))).toCompletableFuture());
                }
                claims.forEach(claim -> assertEquals(Claim.Outcome.OPENED, Waits.join(claim, WAIT).outcome()));
                Waits.join(dying.renewHeld(), WAIT);
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                Waits.await(() -> heard.get() >= sessions, "the dead process's sessions heard of as ended", WAIT);
                // The takeover is done once its lease lapses: it is not renewed after the last step.
                Waits.await(() -> probe(redis, "EXISTS", keys.takeover(RESTARTED)).equals("0"), "the lease lapsed", WAIT);
                try (Socket presence = Waits.join(restarted, WAIT)) {
                    String score = probe(redis, "ZSCORE", keys.nodes(), RESTARTED);
                    assertNotNull(score, "the new process's roster entry was removed");
                    assertEquals(Long.parseLong(newScore), (long) Double.parseDouble(score), "its score");
                    assertEquals(newList, redis.command("GET", keys.held(RESTARTED)), "the new process's held list");
                }
                assertEquals(sessions, heard.get(), "sessions heard of");
            }
        }
    }

    /**
     * Back before any node judged it dead, no other node takes the dead process over: the new
     * process does, once, and leaves its own sessions. Before, the dead process's sessions whose
     * clients did not come back ended silently at the hold TTL.
     */
    @Test
    void aProcessBackBeforeItsDeathWasSeenTakesItsPredecessorOver() throws Exception {
        restartedProcessTakesItsPredecessorOver("same-id-self", Clock.systemUTC());
    }

    /**
     * As above, the process restarted on a host whose clock is a minute behind its predecessor's
     * (another host, or a clock stepped back): its receivers must still be numbered above the dead
     * process's, and its takeover must end only those. Before, the new process numbered its
     * receivers from its own clock and the takeover judged them by the dead one's heartbeat: it
     * ended the new process's sessions as the dead one's.
     */
    @Test
    void aProcessRestartedOnAHostWhoseClockIsBehindKeepsItsSessionsThroughItsPredecessorsTakeover()
            throws Exception {
        restartedProcessTakesItsPredecessorOver("same-id-behind", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)));
    }

    /**
     * A process dies while Redis keeps its connections, and one restarted under its id on a host
     * whose clock is {@code hostOfNew} opens a session: the dead one's session is heard of as ended
     * once, the new one's is left to it.
     */
    private static void restartedProcessTakesItsPredecessorOver(String prefixName, Clock hostOfNew) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix(prefixName);
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            SessionExpiryListener count = key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine before = Waits.join(TestEngines.connect(config, RESTARTED), WAIT)) {
                living.setExpiryListener(count);
                SessionKey old = new SessionKey("echo", "old");
                assertEquals(Claim.Outcome.OPENED, Waits.join(before.claim(old, ClaimMode.STREAM,
                        Creation.CREATE_IF_MISSING, receiver(new ReceiverId(RESTARTED, before.firstReceiver() + 1))),
                        WAIT).outcome());
                Waits.join(before.renewHeld(), WAIT);
                stopHeartbeats(before); // dead, its connections not closed yet

                try (RedisEngine after = Waits.join(TestEngines.connect(config, RESTARTED, hostOfNew), WAIT)) {
                    after.setExpiryListener(count);
                    before.redisson().shutdown(0, 1, TimeUnit.SECONDS);
                    SessionKey fresh = new SessionKey("echo", "fresh");
                    String newHolder = new ReceiverId(RESTARTED, after.firstReceiver() + 1).encode();
                    assertEquals(Claim.Outcome.OPENED, Waits.join(after.claim(fresh, ClaimMode.STREAM,
                            Creation.CREATE_IF_MISSING, receiver(ReceiverId.decode(newHolder))), WAIT).outcome());

                    Waits.await(() -> heard.containsKey(old), "the dead process's session heard of as ended",
                            Duration.ofSeconds(15));
                    Waits.await(() -> "0".equals(probe(redis, "EXISTS", keys.takeover(RESTARTED))), "the lease lapsed",
                            WAIT);
                    assertEquals(1, heard.get(old).get(), "times heard of");
                    assertEquals(null, heard.get(fresh), "the new process's session was ended");
                    assertEquals(newHolder, redis.command("HGET", keys.session(fresh), "h"), "its holder");
                }
            }
        }
    }

    /**
     * Makes {@code process} one that died while Redis keeps its connections: no heartbeat, its
     * presence subscription still there (a live process's heartbeats would refuse the start of
     * another under its id, TwoProcessesUnderOneIdTest). Past the round in flight.
     */
    static void stopHeartbeats(RedisEngine process) throws InterruptedException {
        process.stopClusterWatch();
        Thread.sleep(2 * ClusterWatch.PERIOD.toMillis());
    }

    /** What a process restarted under the id does first: subscribes, lists itself, lists its sessions. */
    private static Socket restart(RedisServerProcess redis, RedisKeys keys, String score, String heldList) {
        try {
            Socket presence = new Socket();
            presence.connect(new InetSocketAddress(redis.host(), redis.port()), 1000);
            OutputStream out = presence.getOutputStream();
            byte[] channel = keys.nodeChannel(RESTARTED).getBytes(StandardCharsets.UTF_8);
            out.write(("*2\r\n$9\r\nSUBSCRIBE\r\n$" + channel.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(channel);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            probe(redis, "ZADD", keys.nodes(), score, RESTARTED);
            probe(redis, "SET", keys.held(RESTARTED), heldList, "PX", "60000");
            return presence;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String probe(RedisServerProcess redis, String... command) {
        try {
            return RedisProbe.command(redis.host(), redis.port(), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CollectingReceiver receiver(ReceiverId id) {
        return new CollectingReceiver(id, new CopyOnWriteArrayList<>());
    }
}
