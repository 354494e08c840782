package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What ending a dead node's sessions costs the taking-over node's own traffic: {@code CLIENTS}
 * loops of claim (stream) and release of the taker's own sessions, timed while it ends
 * {@code SESSIONS} sessions a dead node held (written straight into Redis, held list and roster
 * entry included), and how long the takeover takes. A benchmark, not a test: its name keeps it out
 * of the suite; it prints figures and asserts nothing. Run it without the tests' paranoid leak
 * detection, which makes every buffer write record a stack trace:
 *
 * <pre>
 * nice -n 10 mvn -B -o -q -pl ws-common,ws-node test -Dtest=TakeoverStallBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.argLine='-Dio.netty.leakDetection.level=disabled -Xss1m' \
 *     -Dws.bench.sessions=19000 -Dws.bench.clients=8
 * </pre>
 */
class TakeoverStallBenchmark {

    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String DEAD = "dead";

    @Test
    void ownClaimsAndReleasesWhileADeadNodesSessionsEnd() throws Exception {
        int sessions = Integer.getInteger("ws.bench.sessions", 19_000);
        int clients = Integer.getInteger("ws.bench.clients", 8);
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("takebench");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisEngineConfig.of(redis.url()).withKeyPrefix(prefix)
                    .withHoldTtl(Duration.ofSeconds(60));
            try (RedisEngine taker = Waits.join(TestEngines.connect(config, "taker"), WAIT)) {
                AtomicBoolean running = new AtomicBoolean(true);
                List<Long> idle = Collections.synchronizedList(new ArrayList<>());
                List<Long> during = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean takingOver = new AtomicBoolean();
                List<CompletableFuture<Void>> loops = new ArrayList<>();
                AtomicLong receivers = new AtomicLong();
                for (int c = 0; c < clients; c++) {
                    SessionKey own = new SessionKey("echo", "own" + c);
                    loops.add(CompletableFuture.runAsync(() -> {
                        while (running.get()) {
                            ReceiverId receiver = new ReceiverId("taker", receivers.incrementAndGet());
                            long started = System.nanoTime();
                            Claim claim = join(taker.claim(own, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                                    new CollectingReceiver(receiver, new CopyOnWriteArrayList<>())));
                            long claimed = System.nanoTime();
                            (takingOver.get() ? during : idle).add(claimed - started);
                            if (claim.outcome() == Claim.Outcome.OPENED || claim.outcome() == Claim.Outcome.ATTACHED) {
                                join(taker.release(own, receiver, 0, Duration.ofSeconds(30)));
                                (takingOver.get() ? during : idle).add(System.nanoTime() - claimed);
                            }
                        }
                    }));
                }
                Thread.sleep(3_000);
                idle.clear();
                Thread.sleep(3_000);
                long listedAt = listDeadNode(redis, keys, sessions);
                // Judged dead within two scans a second apart; timed from the lease to its roster entry's end.
                Waits.await(() -> redis.command("GET", keys.takeover(DEAD)) != null || !listed(redis, keys),
                        "no takeover", WAIT);
                long leased = System.nanoTime();
                takingOver.set(true);
                Waits.await(() -> !listed(redis, keys), "the dead node is still listed", WAIT);
                long took = System.nanoTime() - leased;
                takingOver.set(false);
                running.set(false);
                CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
                System.out.printf("load %s; %d sessions of a dead node (listed %d ms before), %d own claim/release"
                        + " loops%n", Files.readString(Path.of("/proc/loadavg")).trim(), sessions,
                        (leased - listedAt) / 1_000_000, clients);
                System.out.printf("takeover: %d ms from its lease to the dead node's roster entry's end%n",
                        took / 1_000_000);
                System.out.printf("own claims and releases before it: %s%n", summary(idle));
                System.out.printf("own claims and releases during it: %s%n", summary(during));
            }
        }
    }

    /** {@code count} sessions held by receivers of {@link #DEAD}, its held list and roster entry; returns System.nanoTime(). */
    private static long listDeadNode(RedisServerProcess redis, RedisKeys keys, int count) {
        List<String> members = new ArrayList<>(count);
        for (int from = 0; from < count; from += 500) {
            int to = Math.min(count, from + 500);
            List<String> eval = new ArrayList<>(List.of("EVAL", "for i = 1, #KEYS do"
                    + " redis.call('HSET', KEYS[i], 'st', 'o', 'h', ARGV[i]) redis.call('PEXPIRE', KEYS[i], 600000)"
                    + " end return #KEYS", Integer.toString(to - from)));
            List<String> holders = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                SessionKey key = new SessionKey("echo", "dead" + i);
                members.add(RedisKeys.expiryMember(key));
                eval.add(keys.session(key));
                holders.add(DEAD + ":" + (i + 1));
            }
            eval.addAll(holders);
            redis.command(eval.toArray(String[]::new));
        }
        redis.command("SET", keys.held(DEAD), HeldList.encode(members), "PX", "600000");
        redis.command("ZADD", keys.nodes(), Long.toString(System.currentTimeMillis()), DEAD);
        return System.nanoTime();
    }

    private static String summary(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return "none";
        }
        return String.format("%d calls, p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }

    private static boolean listed(RedisServerProcess redis, RedisKeys keys) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", keys.nodes(), "0", "-1").contains(DEAD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, Duration.ofSeconds(60));
    }
}
