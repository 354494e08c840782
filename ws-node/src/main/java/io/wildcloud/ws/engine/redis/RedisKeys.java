package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;

/**
 * Names of the engine's keys and channels. Everything of one scope carries the hash tag
 * {@code {<scope>}}, so a Redis Cluster keeps a scope's sessions and queues in one slot (scripts
 * may touch them together).
 * <ul>
 *   <li>{@code <prefix>{<scope>}:s:<sessionId>} session hash (state, close frame, holder, seqs)</li>
 *   <li>{@code <prefix>{<scope>}:q:<sessionId>} list of queued messages not yet acknowledged</li>
 *   <li>{@code <prefix>wake:{<nodeId>}} channel of wake-ups for the sessions a node holds (its
 *       one subscription for them; wakeup.lua builds the name from a session's holder)</li>
 *   <li>{@code <prefix>node:{<nodeId>}} channel a node subscribes to while it lives (presence)</li>
 *   <li>{@code <prefix>{<socketId>}:sock} a push socket's hash, its session index included (a
 *       socket's id is the scope of its sessions), and {@code <prefix>client:{<application>:<clientId>}}
 *       its client's socket id ({@link RedisSocketStore}); {@code <prefix>request-ids:{<application>}:<window>}
 *       the count of an application's remembered request ids in a window ({@code request_ids.lua}); {@code <prefix>{<socketId>}:sessions}
 *       the session set of builds before the index moved into the hash, which the socket scripts
 *       fold into it (socket_index.lua)</li>
 *   <li>{@code <prefix>{<scope>}:r:<callId>} a writing script's answer, so that a repeat of the call
 *       changes nothing ({@link ReplyKeys}); seconds to minutes of TTL</li>
 *   <li>{@code <prefix>probe:{<nodeId>}} written (2 s TTL) while Redis refuses writes, to see when
 *       it takes them again</li>
 *   <li>{@code <prefix>expiry:{e<n>}} shard {@code n} (of {@value #EXPIRY_SHARDS}) of the zset of
 *       sessions by deadline, swept by every node; each shard has a hash tag of its own, so on a
 *       Cluster releases and renewals spread over several slots; {@code <prefix>expiry:{e<n>}:swept}
 *       when the shard was last swept, to see that the store was away (see expiry_lease.lua)</li>
 *   <li>{@code <prefix>held:{<nodeId>}} the sessions a node holds, one string ({@link HeldList}), and
 *       {@code <prefix>claims:{<slot tag>}:<nodeId>} those it claimed lately, one zset per Cluster
 *       slot of their sessions ({@link ClaimJournal}; one in all on a single Redis);
 *       {@code <prefix>takeover:{<nodeId>}} the lease of the node taking a dead node's sessions over</li>
 * </ul>
 */
final class RedisKeys {

    /** How many keys the expiry index is spread over. Changing it strands the entries of the old shards. */
    static final int EXPIRY_SHARDS = 16;

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String session(SessionKey key) {
        return scopePrefix(key.scope()) + "s:" + key.sessionId();
    }

    String queue(SessionKey key) {
        return scopePrefix(key.scope()) + "q:" + key.sessionId();
    }

    /**
     * The "end owed" mark end.lua leaves beside a session it ended open, until the node that sent
     * the end has told the application ({@code SessionEnds}): a takeover tells it if the mark is left.
     */
    String endOwed(SessionKey key) {
        return scopePrefix(key.scope()) + "e:" + key.sessionId();
    }

    /**
     * What every key and channel of {@code scope} starts with (publish.lua builds from it the keys
     * of the sessions it finds in a socket's index, which no caller can name beforehand).
     */
    String scopePrefix(String scope) {
        return prefix + '{' + scope + "}:";
    }

    /**
     * KEYS of the socket scripts: the socket's hash (its session index too), then the session set
     * an earlier build may have left, which the scripts fold into the hash (socket_index.lua).
     */
    List<Object> socketKeys(String socketId) {
        return List.of(scopePrefix(socketId) + "sock", scopePrefix(socketId) + "sessions");
    }

    String client(String application, String clientId) {
        return prefix + "client:{" + application + ':' + clientId + '}';
    }

    /** The count of {@code application}'s new sockets in quota window {@code window} ({@code NewSocketQuota}). */
    String newSockets(String application, long window) {
        return prefix + "new-sockets:{" + application + "}:" + window;
    }

    /** The count of {@code application}'s request ids in window {@code window} ({@code RequestIdCount}). */
    String requestIds(String application, long window) {
        return prefix + "request-ids:{" + application + "}:" + window;
    }

    /** The charged bytes of {@code application}'s new sockets in quota window {@code window}: {@link #newSockets}'s slot. */
    String newSocketBytes(String application, long window) {
        return prefix + "new-socket-bytes:{" + application + "}:" + window;
    }

    /** A writing script's reply key in {@code scope}'s slot ({@link ReplyKeys}, a publish's request id). */
    String reply(String scope, String id) {
        return scopePrefix(scope) + "r:" + id;
    }

    /** The channel of wake-ups for the sessions {@code nodeId} holds; wakeup.lua builds the same name. */
    String wakeChannel(String nodeId) {
        return prefix + "wake:{" + nodeId + '}';
    }

    String nodeChannel(String nodeId) {
        return prefix + "node:{" + nodeId + '}';
    }

    /** The first receiver number of the process running as {@code nodeId} now ({@link NodePresence}). */
    String process(String nodeId) {
        return prefix + "process:{" + nodeId + '}';
    }

    String probe(String nodeId) {
        return prefix + "probe:{" + nodeId + '}';
    }

    String epoch() {
        return prefix + "epoch";
    }

    String nodes() {
        return prefix + "nodes";
    }

    String held(String nodeId) {
        return prefix + "held:{" + nodeId + '}';
    }

    /** Whoever takes {@code deadNodeId}'s sessions over while it runs ({@link NodeRoster}). */
    String takeover(String deadNodeId) {
        return prefix + "takeover:{" + deadNodeId + '}';
    }

    /** {@code nodeId}'s claim journal of the sessions in {@code slot} (see {@link ClusterSlots#tag}). */
    String claimJournal(String nodeId, int slot) {
        return claimJournalHead() + ClusterSlots.tag(slot) + claimJournalTail(nodeId);
    }

    /** A claim journal's name before its slot tag (claims_read.lua builds the names). */
    String claimJournalHead() {
        return prefix + "claims:{";
    }

    /** {@code nodeId}'s claim journal's name after its slot tag. */
    String claimJournalTail(String nodeId) {
        return "}:" + nodeId;
    }

    String expiryShard(int shard) {
        return prefix + "expiry:{e" + shard + '}';
    }

    String expirySweepMark(int shard) {
        return expiryShard(shard) + ":swept";
    }

    /**
     * The expiry index shard of a session: by {@link String#hashCode()} of its member, which Java
     * specifies, so every node (of any version) picks the same one.
     */
    static int expiryShardOf(String member) {
        return Math.floorMod(member.hashCode(), EXPIRY_SHARDS);
    }

    /** KEYS of the scripts that work on one session: hash, queue. */
    List<Object> sessionKeys(SessionKey key) {
        return List.of(session(key), queue(key));
    }

    /** The expiry index member of a session: {@code <length of scope>:<scope><sessionId>}. */
    static String expiryMember(SessionKey key) {
        return key.scope().length() + ":" + key.scope() + key.sessionId();
    }

    static SessionKey parseExpiryMember(String member) {
        int colon = member.indexOf(':');
        int scopeLength = Integer.parseInt(member.substring(0, colon));
        int scopeEnd = colon + 1 + scopeLength;
        return new SessionKey(member.substring(colon + 1, scopeEnd), member.substring(scopeEnd));
    }
}
