-- A held session's entry in its claiming node's claim journal (ClaimJournal: a zset
-- <prefix>claims:{<slot tag>}:<nodeId> in the session's own slot), written by the claim that gives
-- a stream, websocket or waiting poll the slot, so that a node dying before its held notes land
-- leaves the session to be taken over. LuaScripts puts this text before claim.lua and claim_open.lua.
-- noteClaim(journal key, member, now ms, hold TTL ms): a repeat only rewrites the member's score.
local function noteClaim(journal, member, now, holdTtl)
  redis.call('ZADD', journal, now, member)
  -- Older entries were listed in the node's held set by a renewal since, or their keys are gone.
  redis.call('ZREMRANGEBYSCORE', journal, '-inf', now - tonumber(holdTtl))
  redis.call('PEXPIRE', journal, holdTtl)
end
