-- The wake-up routine of queue.lua (enqueue.lua, publish.lua) and close.lua (LuaScripts puts this
-- text before each): tells the node holding a session what changed, on that node's one channel.
-- Wake-ups (Wakeup.java reads them), lengths in bytes, numbers in ASCII:
--   m<len(scope)>:<scope><len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*  messages queued
--   c<len(scope)>:<scope><len(sid)>:<sid><lastSeq>:<closeFrame>                   the session closed
-- wakeHolder(prefix, holder, parts): publishes table.concat(parts) on <prefix>wake:{<nodeId>}
-- (RedisKeys.wakeChannel), the channel of the node named by holder, the receiver id
-- <nodeId>:<connectionId> the session hash records; nothing if holder is not one.
-- Plain PUBLISH, on a Redis Cluster too: the node's channel hashes to another slot than the
-- session's, and a script may SPUBLISH only in its own slot; PUBLISH reaches every cluster node
-- over the cluster bus, and so the holder's subscription wherever it is (the package
-- documentation weighs this against sharded wake-ups sent by the node).
local function wakeHolder(prefix, holder, parts)
  local node = string.match(holder, '^(.*):%-?%d+$')
  if node then
    redis.call('PUBLISH', prefix .. 'wake:{' .. node .. '}', table.concat(parts))
  end
end
