-- The one queueing routine of enqueue.lua and publish.lua (LuaScripts puts this text before each,
-- after wakeup.lua): appends messages to an open session's queue and wakes its holder.
-- Overflow, one rule for both, a batch is refused whole (QUEUE_FULL, nothing queued) when the queue
-- would hold more than max.messages messages or max.bytes bytes:
--   bytes: the session's hash counts its queue's bytes (field qb: added here, subtracted by
--   trimQueue, queue_trim.lua; gone with the hash). Checked before the push, so that a tenant's
--   big messages never sit in Redis, even for a moment. A hash of a build before the count has no
--   qb: its queue counts as empty, so it is undercounted until it drains (a trim that empties a
--   queue sets qb to 0).
--   messages: push the batch, and take it back when the queue then holds too many. One call fewer
--   per batch than reading the length first, and a queue is full only when its client stopped
--   reading.
-- queueBound(arg) reads the bound as the caller passes it, '<messages>:<bytes>'
--   (RedisEngineConfig.queueBoundArgument):
--   one argument carries both, so no caller grew one.
-- queueMessages(hash, queue, prefix, scope, sid, msgs, from, to, max) queues msgs[from..to]:
--   hash, queue: the session's keys; prefix: the engine's key prefix (of the holder's wake-up
--   channel); scope, sid: the session, named in the wake-up; max: the queue's bound (queueBound)
-- Returns status, length: status 0 queued, 1 no session, 2 closed, 3 queue full; length the
-- queue's length after (0 unless queued or full).
-- Wake-up (only while a receiver holds the slot, on its node's channel: wakeHolder):
--   m<len(scope)>:<scope><len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*
local function queueBound(arg)
  local messages, bytes = string.match(arg, '^(%d+):(%d+)$')
  return {messages = tonumber(messages), bytes = tonumber(bytes)}
end

local function queueMessages(hash, queue, prefix, scope, sid, msgs, from, to, max)
  local f = redis.call('HMGET', hash, 'st', 'h', 'a', 'qb')
  if not f[1] then return 1, 0 end
  if f[1] ~= 'o' then return 2, 0 end
  local n = to - from + 1
  local bytes = 0
  for i = from, to do
    bytes = bytes + #msgs[i]
  end
  if (tonumber(f[4]) or 0) + bytes > max.bytes then
    return 3, redis.call('LLEN', queue)
  end
  local length = 0
  for i = from, to, 1000 do
    length = redis.call('RPUSH', queue, unpack(msgs, i, math.min(i + 999, to)))
  end
  if length > max.messages then
    if length == n then
      redis.call('DEL', queue)
    else
      redis.call('LTRIM', queue, 0, length - n - 1)
    end
    return 3, length - n
  end
  if length == n then
    -- A new list: it takes the session's TTL (an existing one has it already).
    local ttl = redis.call('PTTL', hash)
    if ttl > 0 then redis.call('PEXPIRE', queue, ttl) end
  end
  redis.call('HINCRBY', hash, 'qb', bytes)
  if f[2] then
    local out = {'m', #scope, ':', scope, #sid, ':', sid, tonumber(f[3]) + length - n + 1, ':', n, ':'}
    for i = from, to do
      local msg = msgs[i]
      out[#out + 1] = #msg
      out[#out + 1] = ':'
      out[#out + 1] = msg
    end
    wakeHolder(prefix, f[2], out)
  end
  return 0, length
end
