-- The one trimming routine of acknowledge.lua and release.lua (LuaScripts puts this text before
-- each): drops a session's acknowledged messages from the head of its queue and works out the
-- queue's bytes after (the session hash's field qb, which queueMessages, queue.lua, adds to).
-- trimQueue(queue, acked, wrote, queuedBytes):
--   queue: the session's queue list; acked: the seq acknowledged so far (the hash's a);
--   wrote: the highest seq the receiver wrote; queuedBytes: the hash's qb (nil in a hash of a build
--   before the count: 0)
-- Returns the seq acknowledged after, and the queue's bytes after; the caller writes both (a, qb)
-- with its one HSET, and only when the seq moved.
-- Cost: a trim that empties the queue (a reader that keeps up) reads nothing; one that leaves
-- messages queued reads the shorter part (LRANGE: O(its bytes), in Redis, no network): the trimmed
-- messages, whose bytes it takes off qb, or the kept ones, whose bytes are qb after. A websocket's
-- acknowledgement, the common case, trims all it wrote and keeps the few queued since: it reads
-- those few.
local function trimQueue(queue, acked, wrote, queuedBytes)
  queuedBytes = tonumber(queuedBytes) or 0
  if wrote <= acked then return acked, queuedBytes end
  local length = redis.call('LLEN', queue)
  local count = math.min(wrote - acked, length)
  if count <= 0 then return acked, queuedBytes end
  if count == length then
    redis.call('DEL', queue)
    return acked + count, 0
  end
  if length - count < count then
    redis.call('LTRIM', queue, count, -1)
    local kept = 0
    for _, msg in ipairs(redis.call('LRANGE', queue, 0, -1)) do
      kept = kept + #msg
    end
    return acked + count, kept
  end
  local trimmed = 0
  for _, msg in ipairs(redis.call('LRANGE', queue, 0, count - 1)) do
    trimmed = trimmed + #msg
  end
  redis.call('LTRIM', queue, count, -1)
  -- Never below 0: a queue of an older build's hash counts only what came after the count did.
  return acked + count, math.max(0, queuedBytes - trimmed)
end
