package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stall of one Cluster master that holds a session's expiry index shard but not the session: the
 * poll's release script is answered at once, its index entry (a ZADD on the stalled master) only
 * after the stall, and the client hears of its poll only then. The delay the release started ran
 * meanwhile; the client's next poll, at once, must still find its session. And when the session's
 * own master stalls in turn as the node starts that delay again (rearm.lua), the rearm is sent again
 * until it is answered, as the release was: the poll is not answered 503 after its release ran.
 */
class RedisClusterReleaseStallTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private RedisClusterProcesses cluster;
    private RedisEngine store;
    private String prefix;

    @BeforeEach
    void start() {
        cluster = RedisClusterProcesses.start();
        prefix = RedisTestServer.newKeyPrefix("release-stall");
        String url = "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
        // Redisson waits out the stall itself (3 s timeout): one send, answered late.
        RedisEngineConfig config = RedisEngineConfig.of(url).withKeyPrefix(prefix)
                .withSweepInterval(Duration.ofMillis(100))
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
        store = Waits.join(TestEngines.connect(config, "n1"), WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReleaseWhoseIndexEntryWaitedOutAStallOfAnotherMasterStartsItsSessionsDelayAgain() throws Exception {
        List<SessionKey> expired = new CopyOnWriteArrayList<>();
        store.setExpiryListener(expired::add);
        SessionKey key = sessionApartFromItsIndexShard();
        RedisServerProcess shardMaster = owner(prefix + "expiry:{e" + RedisKeys.expiryShardOf(
                RedisKeys.expiryMember(key)) + '}');
        CollectingReceiver poll = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        Waits.join(store.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, poll), WAIT);
        CompletableFuture<Void> released;
        shardMaster.suspend();
        try {
            released = store.release(key, poll.id(), 0, Duration.ofMillis(1000)).toCompletableFuture();
            // The stall itself, not a wait for a condition: longer than the delay and than a late
            // answer (1 s), shorter than the test Cluster's node timeout (2 s: no CLUSTERDOWN after it).
            TimeUnit.MILLISECONDS.sleep(1600);
        } finally {
            shardMaster.resume();
        }
        released.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // The client got its answer only now and polls again at once, well within its delay.
        CollectingReceiver next = new CollectingReceiver(new ReceiverId("n1", 2), new CopyOnWriteArrayList<>());
        Claim claim = Waits.join(store.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, next), WAIT);
        assertEquals(Claim.Outcome.ATTACHED, claim.outcome(), "the client polled again in time, yet its session is new");
        assertEquals(List.of(), expired);
    }

    @Test
    void aRearmThatGotNoAnswerIsSentAgainUntilTheSessionsMasterAnswers() throws Exception {
        // One attempt of 500 ms per send: the rearm's first send gets no answer within the second stall.
        String url = "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
        RedisEngine quick = Waits.join(TestEngines.connect(RedisEngineConfig.of(url).withKeyPrefix(prefix)
                .withSweepInterval(Duration.ofMillis(100))
                .withTimeouts(Duration.ofMillis(500), 0, Duration.ofSeconds(3)), "n2"), WAIT);
        try {
            SessionKey key = sessionApartFromItsIndexShard();
            RedisServerProcess shardMaster = owner(prefix + "expiry:{e" + RedisKeys.expiryShardOf(
                    RedisKeys.expiryMember(key)) + '}');
            RedisServerProcess sessionMaster = owner(prefix + '{' + key.scope() + "}:s:" + key.sessionId());
            CollectingReceiver poll = new CollectingReceiver(new ReceiverId("n2", 1), new CopyOnWriteArrayList<>());
            Waits.join(quick.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, poll), WAIT);
            CompletableFuture<Void> released;
            // Each stall under the test Cluster's 2 s node timeout; the sleeps are the stalls, not waits.
            shardMaster.suspend();
            try {
                // Answered at once; its index entry waits for the shard's master, so the client hears
                // of it late and the node rearms, just as the session's master stalls in turn.
                released = quick.release(key, poll.id(), 0, Duration.ofMillis(1000)).toCompletableFuture();
                TimeUnit.MILLISECONDS.sleep(1400);
                sessionMaster.suspend();
                TimeUnit.MILLISECONDS.sleep(200);
            } finally {
                shardMaster.resume();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(1500);
            } finally {
                sessionMaster.resume();
            }
            // The release ran: its poll must not be answered 503 for want of the rearm's answer.
            released.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            CollectingReceiver next = new CollectingReceiver(new ReceiverId("n2", 2), new CopyOnWriteArrayList<>());
            Claim claim = Waits.join(quick.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, next), WAIT);
            assertEquals(Claim.Outcome.ATTACHED, claim.outcome(), "the client polled again in time, yet its session is new");
        } finally {
            quick.close();
        }
    }

    /** A session whose keys are on another master than its expiry index shard. */
    private SessionKey sessionApartFromItsIndexShard() throws IOException {
        for (int i = 0; i < 100; i++) {
            SessionKey key = new SessionKey("app" + i, "poller");
            RedisServerProcess shardMaster = owner(prefix + "expiry:{e" + RedisKeys.expiryShardOf(
                    RedisKeys.expiryMember(key)) + '}');
            if (owner(prefix + '{' + key.scope() + "}:s:" + key.sessionId()) != shardMaster) {
                return key;
            }
        }
        throw new IllegalStateException("every session shares its index shard's master");
    }

    /** The master that serves {@code key}'s slot: the others answer MOVED. */
    private RedisServerProcess owner(String key) throws IOException {
        for (RedisServerProcess master : cluster.masters()) {
            if (!RedisProbe.command(master.host(), master.port(), "EXISTS", key).startsWith("-")) {
                return master;
            }
        }
        throw new IllegalStateException("no master serves " + key);
    }
}
