/**
 * The Redis engine: SockJS sessions shared by every node through Redis (one server, Sentinel or a
 * Redis Cluster), through Redisson's async API; nothing here blocks the caller's thread.
 *
 * <h2>Parts</h2>
 * {@link io.wildcloud.ws.engine.redis.RedisEngine} wires them: {@code RedisRuntime} (what all
 * share, built once: the Redisson client, key names, scripts, the command gate and its health
 * watch, the script pipeline, one timer thread), {@code RedisSessionStore} (session operations),
 * {@code RedisSocketStore} (socket operations) and {@code RedisPublisher} (publish); no part
 * reaches into another.
 *
 * <h2>Keys</h2>
 * Every key starts with the configured prefix and carries the scope as hash tag, so a Redis
 * Cluster keeps all of a scope in one slot (see {@link io.wildcloud.ws.engine.redis.RedisKeys}):
 * <ul>
 *   <li>{@code <prefix>{<scope>}:s:<sessionId>}, a hash: {@code st} open/closed, {@code cf} close
 *       frame, {@code h} holder receiver id, {@code a} seq acknowledged, {@code qb} bytes in the
 *       queue (see <b>Overflow</b>), {@code dd} last disconnect delay, {@code x} deadline while
 *       nobody holds the slot;</li>
 *   <li>{@code <prefix>{<scope>}:q:<sessionId>}, a list of the messages {@code a+1 .. a+LLEN} (seq
 *       is their position: no seq is stored, not even the last, so that queueing a message writes
 *       the list and one counter, {@code qb}; the list shares the hash's TTL);</li>
 *   <li>{@code <prefix>expiry:{e<n>}}, the expiry index: zsets of sessions by deadline, a session
 *       in one of 16 shards (by a hash of its scope and id), each shard with a hash tag of its
 *       own so that on a Cluster releases and renewals spread over 16 slots. Every node sweeps
 *       every shard: released sessions come due at their disconnect deadline. Held (streaming,
 *       websocket) sessions have no entry (since issue 16): their node's roster entry covers them
 *       ({@link io.wildcloud.ws.engine.redis.NodeRoster}: its held list, its claim journals and
 *       the takeover lease that hands a dead node's sessions to another node should the first
 *       taker die too); an entry left by a release before a claim leaves the index when a check
 *       finds the session held by a live node. A sweep leases what is due (moves it a lease ahead) rather than taking it out,
 *       and takes it out once checked, so a node that dies mid-check loses no notice (see
 *       {@link io.wildcloud.ws.engine.redis.ExpirySweeper}). {@code <prefix>expiry:{e<n>}:swept}
 *       marks each shard's last sweep: a gap of more than four sweep intervals (2 s at least)
 *       means that the store was away, and none of the shard's sessions ends for 5 s after it
 *       ({@link io.wildcloud.ws.engine.redis.StoreGaps}); so does a node's lease answered after a
 *       second without a word from the shard (a stall Redis saw no gap in).</li>
 * </ul>
 * TTLs: while held, the hold TTL (default 60 s), renewed every third by the holding node (one
 * touch.lua call for all its sessions, per scope on a Cluster); after a release, the disconnect
 * delay plus a margin (default 30 s) in which a sweeper ends the session and notifies once. A
 * sweep's lease is half the shorter of that margin and a renewal period (default 10 s), so that
 * another node still finds a leased session's keys when the lease ends. A session's deadline
 * counts against its client, not against the store: a claim ends a session past its deadline only
 * if it was past when the client asked (claim.lua), so a poll that waited out a stall, or a
 * Cluster that was down, still finds its session; a sweep or a takeover ends a released session
 * only a claim grace after its deadline ({@link io.wildcloud.ws.engine.redis.RedisEngineConfig#claimGrace},
 * 3 s; expire.lua), so that a claim whose request reached its node in time but waited there (the
 * socket look-up and the claim behind the node's other store calls) finds it too; a release (or a poll's claim that released)
 * answered late, its index entry included, starts the delay again (rearm.lua).
 *
 * <h2>Scripts</h2>
 * One Lua script per multi-step change, in {@code src/main/resources/redis}, each with a KEYS/ARGV
 * header: {@code claim}, {@code acknowledge}, {@code release}, {@code enqueue}, {@code publish} (the
 * engine's publish: the socket and its sessions' queues), {@code close}, {@code fetch},
 * {@code touch}, {@code expire}, {@code expiry_lease}, {@code expiry_settle} and the
 * {@code socket_*} scripts of the socket part. {@code enqueue} and {@code publish} queue with one
 * routine, {@code queue.lua}, which {@link io.wildcloud.ws.engine.redis.LuaScripts} puts before
 * each after {@code wakeup.lua} (the wake-up routine, also before {@code close}): one overflow
 * rule (push, and take the batch back whole if it overflowed). Every key a
 * script touches comes in KEYS, except the sessions {@code publish} finds in a socket's index
 * (no caller can name them before the script reads it): those it builds from the socket's key
 * prefix, within the socket's hash tag. Loaded once (SCRIPT LOAD) and run by EVALSHA; a Redis
 * that lost them (NOSCRIPT) gets them again.
 *
 * <h2>Channels</h2>
 * <ul>
 *   <li>{@code <prefix>wake:{<nodeId>}}, one per node: enqueue.lua, publish.lua and close.lua
 *       publish a wake-up (scope, session id, first seq and the messages inline; or the close
 *       frame) on the channel of the node that the session's hash names as holder (wakeup.lua
 *       takes the node from the holder's receiver id), and nothing while no one holds it (the next
 *       claim reads the queue). A publish.lua run sends its message wake-ups at its end, one
 *       PUBLISH per holding node with that node's wake-ups one after the other. A node subscribes once, at start: no subscription per session or
 *       socket, none on a claim's path. A claim makes its receiver the holder in the same script
 *       that reads the queue, so every later wake-up goes to the new holder's node; wake-ups that
 *       come between that script and the receiver's registration are noted and caught up. Redisson
 *       subscribes again after a reconnection; then every held receiver re-reads its queue (and a
 *       claim that ran across it catches up), since wake-ups are not kept. Receivers drop what
 *       they already have and fill gaps from the queue by seq, so order holds whatever the
 *       channel.</li>
 *   <li>{@code <prefix>node:{<nodeId>}}: each node stays subscribed to its own (presence); a claim
 *       that finds the slot held on another node publishes a ping there, and 0 receivers means
 *       the node is dead (or cut off from Redis): the slot is taken with claim.lua, only from that
 *       holder. Sharded on a Cluster (SSUBSCRIBE, SPUBLISH): the answer counts the subscribers of
 *       the shard that owns the channel.</li>
 * </ul>
 * On a Redis Cluster wake-ups go by plain PUBLISH, which the cluster bus carries to every node: a
 * script may SPUBLISH only to a channel of its own slot, and the holder's channel hashes
 * elsewhere. The alternative, the script answering the holder and the node sending a sharded
 * wake-up, costs one more command and a round trip per wake-up and loses the script's ordering of
 * publishes; broadcasting costs every cluster node (masters and replicas) the bytes of every
 * wake-up, which grows with the cluster's size. With 3 masters that is cheap next to a
 * subscription per socket; for a large cluster (tens of shards, heavy message volume) measure the
 * bus before growing it. Not measured here.
 * <h2>Delivery</h2>
 * Each receiver held on this node is a {@link io.wildcloud.ws.engine.redis.HeldReceiver} that
 * knows the last seq it was given: repeated wake-ups are dropped, a gap is filled from the queue
 * (fetch.lua), and calls to the receiver never overlap. A node that was cut off checks its slots
 * when it is back (touch.lua) and evicts the receivers whose slot was taken.
 *
 * <h2>Round trips</h2>
 * A message published through the API costs one EVALSHA (publish.lua: the socket lookup, the
 * enqueue of every session of the socket and their wake-ups; for a socket with one session
 * HKEYS, HMGET and RPUSH inside Redis, and one PUBLISH per run and holding node (EXISTS of an
 * earlier build's session set, socket_index.lua, only for a socket whose index is empty), plus the socket's PTTL once per half renewal slack per node, see
 * {@link io.wildcloud.ws.engine.redis.RenewalChecks}) plus its share of an acknowledgement:
 * acknowledgements wait {@link io.wildcloud.ws.engine.redis.RedisEngine#ACKNOWLEDGEMENT_WINDOW}
 * to travel as one acknowledge.lua call for every session of the node (of a scope on a Cluster),
 * latest seq per receiver ({@link io.wildcloud.ws.engine.redis.AcknowledgementBatcher}). Script
 * calls are also pipelined ({@link io.wildcloud.ws.engine.redis.ScriptPipeline}): calls made while
 * one is in flight travel together, so under load one round trip carries many calls. A claim is
 * one EVALSHA (plus a ping and a second claim only when the holder may be dead), a release one
 * EVALSHA and one ZADD, sent together. Every third of the hold TTL a node sends one touch.lua call
 * over its held sessions and one SET of its held list. Every sweep interval a node sends one expiry_lease.lua call per
 * shard (16), plus per due session an expire.lua call and per shard with concluded sessions one
 * expiry_settle.lua call.
 *
 * <h2>Requirements</h2>
 * Redis 7 or later (scripts start with a shebang; a cluster's presence channels are sharded).
 * Use {@code maxmemory-policy noeviction}: every key here has a TTL, so a {@code volatile-*}
 * policy would evict live sessions.
 *
 * <h2>Overflow</h2>
 * A session's queue holds at most {@code maxQueueLength} messages and {@code maxQueueBytes} bytes
 * not yet acknowledged; a batch that would pass either is refused whole with {@code QUEUE_FULL},
 * nothing queued is dropped and the session stays open. The bytes are counted in the session's hash
 * (field {@code qb}: queue.lua adds, queue_trim.lua subtracts; a hash of an earlier build has none
 * and counts as empty until its queue drains).
 */
package io.wildcloud.ws.engine.redis;
