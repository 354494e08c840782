package io.wildcloud.ws.it.faults;

import static io.wildcloud.ws.it.faults.LoadFaults.STALL;
import static io.wildcloud.ws.it.faults.LoadFaults.UNREADY_BOUND;
import static io.wildcloud.ws.it.faults.LoadFaults.assertExactlyOnce;
import static io.wildcloud.ws.it.faults.LoadFaults.assertHealthTruthful;
import static io.wildcloud.ws.it.faults.LoadFaults.assertNoPollOrStreamFailed;
import static io.wildcloud.ws.it.faults.LoadFaults.assertXhrSessionsStayedOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wildcloud.ws.faults.Fault;
import io.wildcloud.ws.faults.FaultRecord;
import io.wildcloud.ws.faults.FaultRig;
import io.wildcloud.ws.faults.FaultedLoad;
import io.wildcloud.ws.faults.NodeServer;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The load generator (websocket, xhr-streaming and xhr-polling sessions through HAProxy round robin,
 * publishes through HAProxy too) against two node processes on a real redis-server with AOF, through
 * each fault of issue 14, one per test, on one rig: Redis stopped (SIGSTOP) for less than the hold
 * TTL, killed and restarted with its AOF, filled to {@code maxmemory}, a node killed (SIGKILL), a node
 * drained (SIGTERM), a node drained within a Redis stall, and last (it wipes every socket) Redis
 * killed and restarted empty. Each asserts what the service promises: nothing lost in a session that
 * stayed open, nothing repeated or reordered; polling and streaming sessions stay open through a stall
 * and a node kill; every node unready within 2 s of a Redis fault and ready again after it; the API's
 * errors name the fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadThroughFaultsTest {

    private static final Duration FAULT_AT = Duration.ofSeconds(3);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private FaultRig rig;

    @BeforeAll
    void start() {
        LoadFaults.requireTools();
        rig = FaultRig.start(LoadFaults.settings("suite", 2));
    }

    @AfterAll
    void stop() {
        if (rig != null) {
            List<String> leaking = rig.nodes().stream().filter(NodeServer::reportedLeaks).map(NodeServer::name).toList();
            rig.close();
            assertEquals(List.of(), leaking, "nodes with buffer leak reports");
        }
    }

    @Test
    @Order(1)
    void redisStalledForLessThanTheHoldTtl() throws Exception {
        String probe = authorize();
        CompletableFuture<RawResponse>[] during = new CompletableFuture[1];
        FaultedLoad.Result result = load(20, at -> {
            openPoll(probe);
            during[0] = CompletableFuture.supplyAsync(() -> {
                pause(500);
                return publishRaw(probe);
            });
            return Fault.REDIS_STALL.inject(rig, 0, STALL, at);
        });
        FaultRecord stall = result.faults().get(0);
        assertHealthTruthful(stall);
        assertExactlyOnce(result);
        assertXhrSessionsStayedOpen(result);
        assertNoPollOrStreamFailed(result);
        // A publish the stalled Redis never answered: 503, and whether it may have been delivered.
        // A publish sent during the stall: delivered once it ends (200), or 503 saying whether it may
        // have been (store_timeout) or was not (store_unavailable); never anything else.
        RawResponse answer = during[0].join();
        assertTrue(answer.status() == 200 || answer.status() == 503
                && Set.of("store_timeout", "store_unavailable").contains(error(answer)), answer.toString());
        assertTrue(Set.of("503").containsAll(result.load().publishErrorsByStatus().keySet()),
                "publishes during a stall fail with 503 only: " + result.load().publishErrorsByStatus());
        report("stall " + STALL.toSeconds() + " s", result, "publish during it: " + answer.status() + " "
                + answer.bodyText());
    }

    @Test
    @Order(2)
    void redisKilledAndRestartedWithItsAof() throws Exception {
        String probe = authorize();
        RawResponse[] whileDown = new RawResponse[1];
        FaultedLoad.Result result = load(12, at -> {
            long start = System.nanoTime();
            rig.redis().kill();
            Duration red = rig.awaitReadiness(status -> status == 503, Duration.ofSeconds(10));
            whileDown[0] = publishRaw(probe);
            long repair = System.nanoTime();
            rig.redis().restart();
            Duration green = rig.awaitReadiness(status -> status == 200, Duration.ofSeconds(60));
            return new FaultRecord("redis-restart-aof", "redis", at, red,
                    green == null ? null : Duration.ofNanos(System.nanoTime() - repair),
                    Duration.ofNanos(System.nanoTime() - start));
        });
        assertHealthTruthful(result.faults().get(0));
        assertExactlyOnce(result);
        assertEquals(503, whileDown[0].status(), whileDown[0].toString());
        assertEquals("store_unavailable", error(whileDown[0]), whileDown[0].toString());
        // The socket outlived the restart: its data came back from the AOF.
        RawResponse after = publishRaw(probe);
        assertEquals(200, after.status(), after.toString());
        report("redis restart with AOF", result, "publish while down: 503 " + error(whileDown[0]));
    }

    @Test
    @Order(3)
    void redisFilledToMaxmemory() throws Exception {
        FullStore full = fillUnderLoad();
        assertExactlyOnce(full.result);
        assertEquals(507, full.whileFull.status(), full.whileFull.toString());
        assertEquals("store_full", error(full.whileFull), full.whileFull.toString());
        assertTrue(full.result.load().publishErrorsByStatus().getOrDefault("507", 0L) > 0,
                "the load's publishes met 507 too: " + full.result.load().publishErrorsByStatus());
        assertFalse(full.result.load().publishErrorsByStatus().containsKey("503"),
                "a full store is not an unreachable one: " + full.result.load().publishErrorsByStatus());
        // "Redis is full" on /health/ready within the 2 s it was held full, and ready again once freed.
        assertTrue(full.readiness.contains(503), "no node said 503 while Redis was full: " + full.readiness);
        assertNotNull(full.result.faults().get(0).green(), "ready after the repair: " + full.result.faults());
        report("redis full (" + full.fillers + " x 64 KiB to fill 1 MiB of headroom)", full.result,
                "readiness while full: " + full.readiness);
    }

    private record FullStore(FaultedLoad.Result result, RawResponse whileFull, int fillers, Set<Integer> readiness) {
    }

    /** Fills Redis 3 s into the load, holds it full for 2 s sampling readiness, then frees it. */
    private FullStore fillUnderLoad() throws Exception {
        String probe = authorize();
        RawResponse[] whileFull = new RawResponse[1];
        int[] fillers = new int[1];
        Set<Integer> readiness = java.util.concurrent.ConcurrentHashMap.newKeySet();
        FaultedLoad.Result result = load(12, at -> {
            long start = System.nanoTime();
            openPoll(probe); // so that a publish to it writes: to a socket without sessions it writes nothing
            fillers[0] = rig.redis().fill(1 << 20);
            long full = System.nanoTime();
            whileFull[0] = publishRaw(probe);
            while (System.nanoTime() - full < UNREADY_BOUND.toNanos()) {
                rig.nodes().forEach(node -> readiness.add(node.readiness()));
                pause(20);
            }
            long repair = System.nanoTime();
            rig.redis().unfill();
            Duration green = rig.awaitReadiness(status -> status == 200, Duration.ofSeconds(30));
            return new FaultRecord("redis-full", "redis", at, null,
                    green == null ? null : Duration.ofNanos(System.nanoTime() - repair),
                    Duration.ofNanos(System.nanoTime() - start));
        });
        return new FullStore(result, whileFull[0], fillers[0], readiness);
    }

    @Test
    @Order(4)
    void nodeKilledWithSigkill() throws Exception {
        FaultedLoad.Result result = load(14, at -> Fault.NODE_KILL.inject(rig, 1, STALL, at));
        assertExactlyOnce(result);
        assertXhrSessionsStayedOpen(result);
        assertTrue(rig.node(1).isAlive(), "restarted");
        report("node SIGKILL", result, "");
    }

    @Test
    @Order(5)
    void nodeDrainedWithSigterm() throws Exception {
        FaultedLoad.Result result = load(12, at -> Fault.NODE_SIGTERM.inject(rig, 2, STALL, at));
        assertExactlyOnce(result);
        assertXhrSessionsStayedOpen(result);
        assertTrue(rig.node(2).isAlive(), "restarted");
        report("node SIGTERM", result, "");
    }

    @Test
    @Order(6)
    void nodeDrainedWithSigtermDuringARedisStall() throws Exception {
        FaultedLoad.Result result = load(16, at -> Fault.NODE_SIGTERM_IN_REDIS_STALL.inject(rig, 1, STALL, at));
        assertExactlyOnce(result);
        assertXhrSessionsStayedOpen(result);
        assertTrue(rig.node(1).isAlive(), "restarted");
        report("node SIGTERM in a Redis stall", result, "");
    }

    /** Last: it wipes every socket. */
    @Test
    @Order(7)
    void redisKilledAndRestartedEmpty() throws Exception {
        String probe = authorize();
        FaultedLoad.Result result = load(12, at -> Fault.REDIS_RESTART_EMPTY.inject(rig, 0, STALL, at));
        assertHealthTruthful(result.faults().get(0));
        assertExactlyOnce(result);
        // Every session was closed (4010) and its socket forgotten: publishes to it say so.
        result.load().transports().forEach((transport, figures) ->
                assertTrue(figures.reopened() >= figures.sessions(), transport + " " + figures));
        assertTrue(result.load().publishErrorsByStatus().getOrDefault("404", 0L) > 0,
                "publishes to forgotten sockets: " + result.load().publishErrorsByStatus());
        RawResponse after = publishRaw(probe);
        assertEquals(404, after.status(), after.toString());
        assertEquals("socket_not_found", error(after), after.toString());
        report("redis restart empty", result, "");
    }

    private FaultedLoad.Result load(int seconds, FaultedLoad.Step fault) throws Exception {
        return FaultedLoad.run(rig.loadOptions("--sessions=30", "--rate=30", "--duration=" + seconds + "s",
                "--grace=8s", "--api-connections=4", "--concurrency=30"), System.err,
                List.of(new FaultedLoad.Planned(FAULT_AT, fault)));
    }

    private String authorize() {
        RawResponse answer = new Http(PROBE_TIMEOUT).post(rig.balancer().apiUrl() + "/authorize/" + rig.secret()
                + "/probe-" + System.nanoTime(), "{\"callback\":\"https://probe.invalid/callback\"}",
                "Content-Type", "application/json");
        assertEquals(200, answer.status(), answer.toString());
        return json(answer).get("socket_id").getAsString();
    }

    /** Opens a polling session of the socket (its first poll answers {@code o}) and leaves it unpolled. */
    private void openPoll(String socketId) {
        RawResponse open = new Http(PROBE_TIMEOUT).post(rig.balancer().publicUrl() + "/" + socketId + "/000/probe"
                + System.nanoTime() + "/xhr");
        assertEquals("o\n", open.bodyText(), open.toString());
    }

    private RawResponse publishRaw(String socketId) {
        return new Http(PROBE_TIMEOUT).post(rig.balancer().apiUrl() + "/publish/" + socketId,
                "{\"message\":\"probe\"}", "Content-Type", "application/json");
    }

    private static String error(RawResponse response) {
        JsonObject body = json(response);
        assertNotNull(body.get("error"), response.toString());
        return body.get("error").getAsString();
    }

    private static JsonObject json(RawResponse response) {
        return JsonParser.parseString(response.bodyText()).getAsJsonObject();
    }

    private static void report(String fault, FaultedLoad.Result result, String extra) {
        System.out.printf("LoadThroughFaultsTest %s: %s; publish errors %s; %s%n%s%n", fault, result.faults(),
                result.load().publishErrorsByStatus(), extra, result.load().toText());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
