-- The one queueing routine of enqueue.lua and publish.lua (LuaScripts puts this text before each,
-- after wakeup.lua): appends messages to an open session's queue and wakes its holder.
-- Overflow, one rule for both: push the batch, and take it back whole when the queue then holds
-- more than max (QUEUE_FULL, nothing queued). One call fewer per batch than reading the length
-- first, and a queue is full only when its client stopped reading.
-- queueMessages(hash, queue, prefix, scope, sid, msgs, from, to, max) queues msgs[from..to]:
--   hash, queue: the session's keys; prefix: the engine's key prefix (of the holder's wake-up
--   channel); scope, sid: the session, named in the wake-up; max: the queue's bound
-- Returns status, length: status 0 queued, 1 no session, 2 closed, 3 queue full; length the
-- queue's length after (0 unless queued or full).
-- Wake-up (only while a receiver holds the slot, on its node's channel: wakeHolder):
--   m<len(scope)>:<scope><len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*
local function queueMessages(hash, queue, prefix, scope, sid, msgs, from, to, max)
  local f = redis.call('HMGET', hash, 'st', 'h', 'a')
  if not f[1] then return 1, 0 end
  if f[1] ~= 'o' then return 2, 0 end
  local n = to - from + 1
  local length = 0
  for i = from, to, 1000 do
    length = redis.call('RPUSH', queue, unpack(msgs, i, math.min(i + 999, to)))
  end
  if length > max then
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
