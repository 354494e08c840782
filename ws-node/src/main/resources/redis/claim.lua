#!lua flags=allow-oom
-- Claims a session's receiver slot (SessionStore.claim), creating the session if allowed.
-- KEYS[1] session hash  <prefix>{<scope>}:s:<sid>
-- KEYS[2] queue list    <prefix>{<scope>}:q:<sid>
-- KEYS[3] the call's reply key <prefix>{<scope>}:r:<call id>: a claim that opened the session
--         records its answer there, so a repeat of the call (Redisson resends a call that got no
--         answer in time) changes nothing and answers the same (a repeat of an attach by the same
--         receiver finds the slot its own and the same messages queued)
-- ARGV[1] receiver id (nodeId:connectionId)
-- ARGV[2] mode: P (poll) | S (stream); both keep pending messages until the receiver acknowledges
--         or releases what it wrote: a poll that took them out before its answer lost them when
--         its node died in between and the balancer resent the poll to another node
-- ARGV[3] creation: C (create if missing) | O (create only) | E (existing only)
-- ARGV[4] hold TTL ms (keys' TTL while a receiver holds the slot)
-- ARGV[5] holder that the caller judged dead and may replace, or ''
-- ARGV[6] disconnect delay ms recorded for a new session
-- ARGV[7] expiry margin ms (keys outlive their deadline by this, so a sweeper sees them)
-- ARGV[8] TTL ms of the reply key (longer than Redisson's retries take)
-- ARGV[9] when the client asked for the session (ms on Redis's clock as the node reckons it: its
--         last TIME reading of the roster's master plus its monotonic clock since; never its own
--         wall clock, which may be a minute off): a session whose deadline passed only after that
--         is not over here. The client came back in time; the claim may have waited out a store
--         stall, or a Cluster that was down, and run only now.
-- KEYS[4], ARGV[10] (optional) the claiming node's claim journal in the session's slot
--         (<prefix>claims:{<slot tag>}:<nodeId>) and the session's member there: a claim that
--         gives the receiver the slot (every claim that opens or attaches) lists the session in
--         the same step (ClaimJournal), so that a node that dies before its held notes land leaves
--         it to be taken over. A repeat only rewrites the member's score.
-- Returns {outcome, expired, text, firstSeq, releasedDelayMs, msg...}:
--   expired 1 when an open session past its deadline was found and removed here (notify once);
--   text is the close frame (or '') for ATTACHED/CLOSED, the holder for BUSY;
--   releasedDelayMs is always 0 since polls no longer take and release here (kept for the layout).
-- Hash fields: st o|c, cf close frame, h holder, a acknowledged seq, dd delay ms, x deadline ms
-- (only while nobody holds the slot). The queue holds seqs a+1 .. a+LLEN: the last seq is not
-- stored, so queueing a message writes the list alone.
local done = redis.call('GET', KEYS[3])
if done then return cjson.decode(done) end
local f = redis.call('HMGET', KEYS[1], 'st', 'cf', 'h', 'a', 'dd', 'x')
local st, cf, h = f[1], f[2] or '', f[3] or ''
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = 0
local function journal()
  if KEYS[4] then noteClaim(KEYS[4], ARGV[10], now, ARGV[4]) end
end
if st and h == '' and f[6] and math.min(now, tonumber(ARGV[9])) >= tonumber(f[6]) then
  redis.call('DEL', KEYS[1], KEYS[2])
  if st == 'o' then expired = 1 end
  st = nil
end
if not st then
  if ARGV[3] == 'E' then return {'NOT_FOUND', expired} end
  redis.call('HSET', KEYS[1], 'st', 'o', 'h', ARGV[1], 'a', 0, 'dd', ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  journal()
  redis.call('SET', KEYS[3], cjson.encode({'OPENED', expired}), 'PX', ARGV[8])
  return {'OPENED', expired}
end
if ARGV[3] == 'O' then return {'BUSY', expired, ''} end
if st == 'c' and redis.call('LLEN', KEYS[2]) == 0 then return {'CLOSED', expired, cf} end
if h ~= '' and h ~= ARGV[1] and h ~= ARGV[5] then return {'BUSY', expired, h} end
local res = redis.call('LRANGE', KEYS[2], 0, -1)
local acked = tonumber(f[4])
table.insert(res, 1, 0)
table.insert(res, 1, acked + 1)
table.insert(res, 1, cf)
table.insert(res, 1, expired)
table.insert(res, 1, 'ATTACHED')
redis.call('HSET', KEYS[1], 'h', ARGV[1])
redis.call('HDEL', KEYS[1], 'x')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
journal()
return res
