-- The wake-up routine of queue.lua (enqueue.lua, publish.lua) and close.lua (LuaScripts puts this
-- text before each): tells the node holding a session what changed, on that node's one channel.
-- Wake-ups (Wakeup.java reads them), lengths in bytes, numbers in ASCII:
--   m<len(scope)>:<scope><len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*  messages queued
--   c<len(scope)>:<scope><len(sid)>:<sid><lastSeq>:<closeFrame>                   the session closed
-- One payload holds one or more message wake-ups one after the other (each knows its end), then
-- at most one close wake-up, which runs to the payload's end.
-- wakeHolder(prefix, holder, parts): publishes table.concat(parts) on <prefix>wake:{<nodeId>}
-- (RedisKeys.wakeChannel), the channel of the node named by holder, the receiver id
-- <nodeId>:<connectionId> the session hash records; nothing if holder is not one.
-- After deferWakeups(), message wake-ups wait and sendDeferredWakeups() publishes them, one
-- payload per node: a merged publish run wakes a node once, not once per message (a PUBLISH in
-- Redis and a pub/sub message for the node each). Nothing can run between inside one script, so
-- sending them at its end changes no order anyone sees; a close wake-up sends those before it.
-- Plain PUBLISH, on a Redis Cluster too: the node's channel hashes to another slot than the
-- session's, and a script may SPUBLISH only in its own slot; PUBLISH reaches every cluster node
-- over the cluster bus, and so the holder's subscription wherever it is (the package
-- documentation weighs this against sharded wake-ups sent by the node).
local deferredWakeups = nil
local deferredChannels = nil

local function deferWakeups()
  deferredWakeups, deferredChannels = {}, {}
end

local function sendDeferredWakeups()
  if not deferredWakeups then return end
  for _, channel in ipairs(deferredChannels) do
    redis.call('PUBLISH', channel, table.concat(deferredWakeups[channel]))
  end
  deferredWakeups, deferredChannels = {}, {}
end

local function wakeHolder(prefix, holder, parts)
  local node = string.match(holder, '^(.*):%-?%d+$')
  if not node then return end
  local channel = prefix .. 'wake:{' .. node .. '}'
  if deferredWakeups and parts[1] == 'm' then
    local waiting = deferredWakeups[channel]
    if not waiting then
      waiting = {}
      deferredWakeups[channel] = waiting
      deferredChannels[#deferredChannels + 1] = channel
    end
    waiting[#waiting + 1] = table.concat(parts)
    return
  end
  sendDeferredWakeups()
  redis.call('PUBLISH', channel, table.concat(parts))
end
