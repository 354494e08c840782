package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisMonitor;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis socket store on a real Redis Cluster of three masters: publish.lua reaches a socket's
 * sessions through keys it builds itself, which must share the socket's slot.
 */
class RedisClusterSocketStoreTest extends RedisSocketStoreTest {

    private static RedisClusterProcesses cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcesses.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    RedisClusterSocketStoreTest(TestInfo test) {
        super(test);
    }

    @Test
    void aBatchRunsOneScriptPerSlot() throws Exception {
        SocketStore store = newStore(Duration.ofHours(1));
        List<PublishTarget> batch = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String socket = await(store.authorize("app", "client-" + i, CALLBACK_1)).socket().socketId();
            batch.add(new PublishTarget(socket, null, "m" + i));
            // Each socket twice: both of its targets go in its slot's run.
            batch.add(new PublishTarget(socket, null, "again " + i));
            String key = "ws:{" + socket + "}:sock";
            int slot = ClusterSlots.of(key);
            RedisServerProcess any = cluster.masters().get(0);
            assertEquals(RedisProbe.command(any.host(), any.port(), "CLUSTER", "KEYSLOT", key), Integer.toString(slot),
                    "ClusterSlots agrees with Redis for " + key);
            slots.add(slot);
        }
        String sha = new LuaScripts().publish.sha();
        List<RedisMonitor> monitors = new ArrayList<>();
        try {
            List<Integer> starts = new ArrayList<>();
            for (RedisServerProcess master : cluster.masters()) {
                RedisMonitor monitor = RedisMonitor.start(master.host(), master.port());
                monitors.add(monitor);
                starts.add(monitor.mark(master.host(), master.port(), "start"));
            }
            List<Optional<Publication>> answers = await(store.publishAll(batch, null));
            assertEquals(batch.size(), answers.size());
            answers.forEach(answer -> assertEquals(List.of(), answer.orElseThrow().deliveries()));
            long runs = 0;
            for (int i = 0; i < monitors.size(); i++) {
                RedisServerProcess master = cluster.masters().get(i);
                runs += monitors.get(i).between(starts.get(i), monitors.get(i).mark(master.host(), master.port(), "end"))
                        .stream().filter(command -> command.toLowerCase(java.util.Locale.ROOT).contains("\"evalsha\"")
                                && command.contains(sha)).count();
            }
            assertEquals(slots.size(), runs, "one publish.lua run per slot of the batch's sockets");
        } finally {
            for (RedisMonitor monitor : monitors) {
                monitor.close();
            }
        }
    }

    @Test
    void aNewWebsocketSessionsClaimJoinsItsSocketsIndexInOneScript() throws Exception {
        RedisEngine engine = (RedisEngine) newStore(Duration.ofHours(1));
        String socket = await(engine.authorize("app", "joiner", CALLBACK_1)).socket().socketId();
        // The first admission teaches the engine the limit; from then on the claim joins (claim_open.lua,
        // the session's and the socket's keys in one slot).
        for (String session : List.of("s1", "s2")) {
            await(engine.claim(new SessionKey(socket, session), ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE,
                    new CollectingReceiver(new ReceiverId(engine.nodeId(), session.hashCode()),
                            new CopyOnWriteArrayList<>())));
            if (session.equals("s2")) {
                assertEquals(Optional.of(Set.of("s1", "s2")), indexOf(engine, socket), "joined by the claim");
            }
            assertEquals(SessionRegistration.ADDED, await(engine.addSession(socket, session, 10)));
        }
    }

    @Override
    protected String url() {
        return "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
    }
}
