package io.wildcloud.ws.engine.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScriptAsync;

/** The engine's scripts, read once per engine. */
final class LuaScripts {

    /** A held session's claim-journal entry (claim_journal.lua), written by claim and claim_open alike. */
    private static final String CLAIM_JOURNAL = "claim_journal";
    final LuaScript claim = LuaScript.load("claim", CLAIM_JOURNAL);
    /**
     * A socket's session index, fields of its hash (socket_index.lua: join, leave, list, and the
     * fold of an earlier build's session set), before every script that takes a socket's keys.
     */
    private static final String SOCKET_INDEX = "socket_index";
    final LuaScript claimOpen = LuaScript.load("claim_open", CLAIM_JOURNAL, SOCKET_INDEX);
    /** The one trimming routine (queue_trim.lua) of acknowledge and release, with the queue's byte count. */
    private static final String QUEUE_TRIM = "queue_trim";
    final LuaScript acknowledge = LuaScript.load("acknowledge", QUEUE_TRIM);
    final LuaScript release = LuaScript.load("release", QUEUE_TRIM);
    final LuaScript rearm = LuaScript.load("rearm");
    /** The wake-up routine (wakeup.lua) of queue.lua and close: a session's holder, on its node's channel. */
    private static final String WAKEUP = "wakeup";
    /** The one queueing routine (queue.lua) of enqueue and publish, with its one overflow rule. */
    private static final String QUEUE = "queue";

    final LuaScript enqueue = LuaScript.load("enqueue", WAKEUP, QUEUE);
    final LuaScript close = LuaScript.load("close", WAKEUP);
    final LuaScript fetch = LuaScript.load("fetch");
    final LuaScript touch = LuaScript.load("touch");
    final LuaScript expire = LuaScript.load("expire");
    final LuaScript expiryLease = LuaScript.load("expiry_lease");
    final LuaScript expirySettle = LuaScript.load("expiry_settle");
    final LuaScript claimsRead = LuaScript.load("claims_read");
    final LuaScript takeoverLease = LuaScript.load("takeover_lease");
    final LuaScript takeoverPin = LuaScript.load("takeover_pin");
    final LuaScript rosterLeave = LuaScript.load("roster_leave");
    final LuaScript rosterSeen = LuaScript.load("roster_seen");
    final LuaScript rosterHeartbeat = LuaScript.load("roster_heartbeat");
    final LuaScript processAnnounce = LuaScript.load("process_announce");
    final LuaScript heldCut = LuaScript.load("held_cut");
    final LuaScript publish = LuaScript.load("publish", WAKEUP, QUEUE, SOCKET_INDEX);
    final LuaScript socketClaimClient = LuaScript.load("socket_claim_client");
    final LuaScript socketAuthorize = LuaScript.load("socket_authorize", SOCKET_INDEX);
    final LuaScript socketQuota = LuaScript.load("socket_quota");
    final LuaScript requestIds = LuaScript.load("request_ids");
    final LuaScript socketGet = LuaScript.load("socket_get", SOCKET_INDEX);
    final LuaScript socketPresence = LuaScript.load("socket_presence");
    final LuaScript socketOwners = LuaScript.load("socket_owners");
    final LuaScript socketUse = LuaScript.load("socket_use", SOCKET_INDEX);
    final LuaScript socketRevoke = LuaScript.load("socket_revoke", SOCKET_INDEX);
    final LuaScript socketReleaseClient = LuaScript.load("socket_release_client");
    final LuaScript socketAddSession = LuaScript.load("socket_add_session", SOCKET_INDEX);
    final LuaScript socketRemoveSession = LuaScript.load("socket_remove_session", SOCKET_INDEX);
    /** Ends of sessions whose connection is gone, many to a run (SessionEnds). */
    final LuaScript end = LuaScript.load("end", SOCKET_INDEX);

    /**
     * Whether a second run of {@code script} changes nothing and answers as the first did, so that
     * the pipeline may send again a call a Cluster batch failed with another call's refusal
     * ({@link ScriptPipeline}), though it may have run: a reply key answers a repeat (enqueue; a
     * merged publish or end run carries one too), or it only reads and renews TTLs to the same values
     * (a socket look-up's repeat answers "not renewed" for a renewal its first run made: its client
     * key may then lapse up to the renewal slack before the socket, and that client's next
     * authorize make a new socket; rare, as it needs a refusal in the same batch).
     * Not the others: a count (socket_quota, request_ids) would count twice, and a revoke, a release
     * of a client or an expiry run twice answers "gone" in place of what the first run removed.
     */
    boolean answersARepeatAlike(LuaScript script) {
        return script == enqueue || script == publish || script == end || script == socketGet
                || script == socketUse || script == socketOwners || script == socketPresence || script == touch;
    }

    /** Gives every script its meter. */
    void meter(RedisMetrics metrics) {
        for (LuaScript script : all()) {
            script.meter(metrics.script(script.name()));
        }
    }

    /** Passes every script's calls through {@code gate}. */
    void guard(CommandGate gate) {
        for (LuaScript script : all()) {
            script.guard(gate);
        }
    }

    List<LuaScript> all() {
        return List.of(claim, claimOpen, acknowledge, release, rearm, enqueue, close, fetch, touch, expire, expiryLease, expirySettle,
                claimsRead, takeoverLease, takeoverPin, rosterLeave, rosterSeen, rosterHeartbeat, processAnnounce, heldCut, publish, socketClaimClient, socketAuthorize, socketQuota, requestIds, socketGet, socketPresence, socketOwners, socketUse, socketRevoke,
                socketReleaseClient, socketAddSession, socketRemoveSession, end);
    }

    /** SCRIPT LOAD of every script (on every master of a cluster) through {@code gate}, so EVALSHA finds them. */
    CompletionStage<Void> loadAll(RScriptAsync script, CommandGate gate) {
        return CompletableFuture.allOf(all().stream()
                .map(s -> gate.handOver(() -> script.scriptLoadAsync(s.text())).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }
}
