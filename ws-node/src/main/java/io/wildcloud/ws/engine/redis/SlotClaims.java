package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import org.redisson.api.RScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims of receiver slots ({@code SessionStore.claim}) on Redis:
 * <ol>
 *   <li>watch the node's wake-ups for the session ({@link NodeWakeups#watch}; the node's one
 *       subscription is in place since start), so that a wake-up published between the claim's
 *       script and the receiver's registration is not lost (a websocket's new session too: its
 *       claim_open.lua joins the socket's index, so a publish may wake it before the registration);</li>
 *   <li>run claim.lua, which makes the receiver the holder, so that later wake-ups go to this
 *       node's channel (through the {@link ScriptPipeline}: the claims of a connect storm go many
 *       to a round trip; sent again with the same reply key while Redis does not answer it, see
 *       {@link UnknownOutcomes}); a websocket's new session runs claim_open.lua instead, which
 *       joins the socket's index too ({@link IndexJoins});</li>
 *   <li>on BUSY, ask whether the holder lives (this node knows its own receivers; for another
 *       node, {@link NodePresence}); if not, run claim.lua again, allowed to replace exactly that
 *       holder;</li>
 *   <li>register the receiver if it holds the slot, and catch up if a wake-up came meanwhile or
 *       the node's subscription was made again meanwhile (a claim that holds the slot, a
 *       stream's or a poll's that found nothing, listed its session in the node's
 *       {@link ClaimJournal} in the same script: should the node die, the {@link NodeRoster}
 *       takes it over from there; nothing goes to the expiry index).</li>
 * </ol>
 */
final class SlotClaims {

    private static final Logger LOG = LoggerFactory.getLogger(SlotClaims.class);

    private final String nodeId;
    private final RedisEngineConfig config;
    private final RedisKeys keys;
    private final ReplyKeys replies;
    private final LuaScripts scripts;
    private final ScriptPipeline pipeline;
    private final NodeWakeups wakeups;
    private final NodePresence presence;
    private final ExpirySweeper sweeper;
    private final ClaimJournal journal;
    private final HeldReceiver.Owner owner;
    private final UnknownOutcomes unknown;
    private final IndexJoins joins;

    /** The store's clock (ms) at a request's arrival ({@link StoreClock#arrivalAt}): never ahead. */
    private final LongUnaryOperator storeMillisAt;

    SlotClaims(String nodeId, RedisEngineConfig config, RedisKeys keys, ReplyKeys replies, LuaScripts scripts,
            ScriptPipeline pipeline, NodeWakeups wakeups, NodePresence presence, ExpirySweeper sweeper,
            ClaimJournal journal, HeldReceiver.Owner owner, UnknownOutcomes unknown, IndexJoins joins,
            LongUnaryOperator storeMillisAt) {
        this.nodeId = nodeId;
        this.storeMillisAt = storeMillisAt;
        this.config = config;
        this.keys = keys;
        this.replies = replies;
        this.scripts = scripts;
        this.pipeline = pipeline;
        this.wakeups = wakeups;
        this.presence = presence;
        this.sweeper = sweeper;
        this.journal = journal;
        this.owner = owner;
        this.unknown = unknown;
        this.joins = joins;
    }

    /**
     * When {@code receiver}'s client asked, on the store's clock (claim.lua compares it with
     * deadlines on that clock): its monotonic arrival mapped through the node's last reading of
     * Redis's clock. A host's wall clock a minute ahead made a poll that arrived in time, claimed
     * after a stall, end its session; one behind gave a late client its old session back.
     */
    private long askedAt(Receiver receiver) {
        return storeMillisAt.applyAsLong(receiver.askedAtNanos());
    }

    CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
        if (!receiver.id().nodeId().equals(nodeId)) {
            // Its wake-ups would go to that node's channel, and never reach it.
            throw new IllegalArgumentException("receiver " + receiver.id() + " names another node than this one, "
                    + nodeId);
        }
        if (creation == Creation.CREATE_ONLY_IN_LIVE_SCOPE) {
            return claimNew(key, mode, receiver);
        }
        int subscriptions = wakeups.subscriptions();
        NodeWakeups.ClaimWatch watch = wakeups.watch(key);
        return runClaim(key, mode, creation, receiver, "", askedAt(receiver))
                .thenApply(reply -> settle(subscriptions, watch::announced, key, mode, receiver, reply))
                .whenComplete((claim, error) -> wakeups.unwatch(key));
    }

    /**
     * A claim that may only create, and only in a live socket (a websocket's, whose upgrade made
     * no look-up: claim_open.lua checks the socket, NOT_FOUND when it is gone, and the websocket is
     * answered 404 before its 101). Once the node's push service has admitted a session, the claim
     * joins its socket's index in the same script, and the admission takes that join ({@link
     * IndexJoins}) instead of a round trip of its own. From that script on, a publish to the socket
     * queues for the session and wakes this node, maybe before the answer is read and the receiver
     * registered: the watch notes such a wake-up, and the claim catches up (without it the message
     * waited for the session's next publish; ClaimOpenWakeupTest).
     */
    private CompletionStage<Claim> claimNew(SessionKey key, ClaimMode mode, Receiver receiver) {
        int subscriptions = wakeups.subscriptions();
        int joinLimit = joins.limit();
        NodeWakeups.ClaimWatch watch = wakeups.watch(key);
        return runOpen(key, mode, receiver, joinLimit).thenApply(opened -> {
            joins.record(key, joinLimit, opened.joined());
            return settle(subscriptions, watch::announced, key, mode, receiver, opened);
        }).whenComplete((claim, error) -> wakeups.unwatch(key));
    }

    /** claim_open.lua: the socket's check, the claim of a new session and its index join (limit 0: none), in one call. */
    private CompletionStage<ClaimReply> runOpen(SessionKey key, ClaimMode mode, Receiver receiver, int joinLimit) {
        List<Object> openKeys = new ArrayList<>(6);
        openKeys.addAll(List.of(keys.session(key), keys.queue(key), replies.next(key.scope())));
        openKeys.addAll(keys.socketKeys(key.scope()));
        openKeys.add(journal.key(nodeId, key));
        List<Object> more = new ArrayList<>(List.of(key.sessionId(), joinLimit, joins.socketTtlMillis(),
                joins.idleMillis(), ClaimJournal.member(key)));
        return unknown.resolve("claim " + key, () -> pipeline.<List<Object>>submit(scripts.claimOpen,
                        RScript.ReturnType.LIST, openKeys, claimArgs(receiver, mode, "O", "", askedAt(receiver),
                                more.toArray())))
                .thenApply(reply -> {
                    joins.renewClientIfTold(reply, 3);
                    return ClaimReply.of(reply);
                })
                .thenApply(reply -> noteExpired(key, reply));
    }

    /** claim.lua's ARGV, then {@code more} (claim_open.lua's). */
    private Object[] claimArgs(Receiver receiver, ClaimMode mode, String creationCode, String deadHolder, long askedAt,
            Object... more) {
        List<Object> args = new ArrayList<>(List.of(receiver.id().encode(), mode == ClaimMode.POLL ? "P" : "S",
                creationCode, config.holdTtl().toMillis(), deadHolder, config.defaultDisconnectDelay().toMillis(),
                config.expiryMargin().toMillis(), replies.claimTtlMillis(), askedAt));
        args.addAll(List.of(more));
        return args.toArray();
    }

    /**
     * Registers the receiver if the claim gave it the slot.
     *
     * @param subscriptions {@link NodeWakeups#subscriptions()} before the claim's script ran
     */
    private Claim settle(int subscriptions, LongSupplier announced, SessionKey key, ClaimMode mode, Receiver receiver,
            ClaimReply reply) {
        Claim claim = reply.claim();
        if (claim.holdsSlot(mode)) {
            hold(subscriptions, announced, key, receiver, reply);
        }
        return claim;
    }

    /** @param askedAt when the client asked for the session (ms): claim.lua ends no session that was due only later */
    private CompletionStage<ClaimReply> runClaim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver,
            String deadHolder, long askedAt) {
        String creationCode = switch (creation) {
            case CREATE_IF_MISSING -> "C";
            case CREATE_ONLY, CREATE_ONLY_IN_LIVE_SCOPE -> "O";
            case EXISTING_ONLY -> "E";
        };
        // Listed as held by the claim itself, if it holds the slot: should this node die before
        // its next renewal lists the session, the node that takes it over still finds it
        // (ClaimJournal). A poll that finds nothing holds the slot for its whole wait too, and
        // its release's index entry may be checked and dropped (its node alive) meanwhile.
        List<Object> claimKeys = List.of(keys.session(key), keys.queue(key), replies.next(key.scope()),
                journal.key(nodeId, key));
        Object[] args = claimArgs(receiver, mode, creationCode, deadHolder, askedAt, ClaimJournal.member(key));
        // Sent again with the same reply key while unanswered: a claim that ran and opened the
        // session answers the same (one that attached finds the slot its own).
        return unknown.resolve("claim " + key, () -> pipeline.<List<Object>>submit(scripts.claim,
                        RScript.ReturnType.LIST, claimKeys, args))
                .thenApply(ClaimReply::of)
                .thenCompose(reply -> {
                    noteExpired(key, reply);
                    String holder = reply.busyHolder();
                    if (holder == null || holder.isEmpty() || !deadHolder.isEmpty()) {
                        return CompletableFuture.completedFuture(reply);
                    }
                    return holderAlive(key, holder).thenCompose(alive -> alive
                            ? CompletableFuture.completedFuture(reply)
                            : runClaim(key, mode, creation, receiver, holder, askedAt));
                });
    }

    /** Tells the application once of the session a claim found past its deadline and ended. */
    private ClaimReply noteExpired(SessionKey key, ClaimReply reply) {
        if (reply.expired()) {
            sweeper.notifyExpired(key);
        }
        return reply;
    }

    /** Whether the receiver {@code holder} lives: on this node we know; elsewhere we ask Redis. */
    private CompletionStage<Boolean> holderAlive(SessionKey key, String holder) {
        ReceiverId id = ReceiverId.decode(holder);
        if (id.nodeId().equals(nodeId)) {
            boolean alive = wakeups.holds(key, holder);
            if (!alive) {
                LOG.info("{} holder {} is no longer a receiver on this node: taking the slot over", key, holder);
            }
            return CompletableFuture.completedFuture(alive);
        }
        return presence.isAlive(id).thenApply(alive -> {
            if (!alive) {
                LOG.info("{} holder {} is on node {} which is gone (or restarted since): taking the slot over", key,
                        holder, id.nodeId());
            }
            return alive;
        });
    }

    /**
     * @param subscriptions {@link NodeWakeups#subscriptions()} before the claim's script ran: if
     *     the subscription was made again since, wake-ups may have been lost in between
     * @param announced the highest seq a wake-up announced while the claim ran, read once registered
     */
    private void hold(int subscriptions, LongSupplier announced, SessionKey key, Receiver receiver, ClaimReply reply) {
        Claim claim = reply.claim();
        HeldReceiver held = new HeldReceiver(key, receiver, reply.lastSeq(), claim.closeFrame() != null, owner);
        HeldReceiver replaced = wakeups.register(held);
        if (replaced != null) {
            if (replaced.receiverId().equals(held.receiverId())) {
                // The same receiver claimed again: only the new registration may call it.
                replaced.end();
            } else {
                // The slot moved from an older receiver on this node that never released it.
                replaced.evict();
            }
        }
        if (announced.getAsLong() > reply.lastSeq() || wakeups.subscriptions() != subscriptions) {
            held.catchUp();
        }
    }
}
