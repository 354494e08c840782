#!lua flags=no-writes,allow-cross-slot-keys
-- Reads a node's claim journals (ClaimJournal) for a takeover: on a Cluster those of all the slots
-- one master serves, in one call; on a single Redis the one journal. The first journal comes in
-- KEYS, which routes the call to its master; the others in ARGV: Redis refuses declared keys of
-- several slots, and allow-cross-slot-keys lets the script read undeclared ones of any slot that
-- master serves (one it does not serve fails the call, and the caller reads slot by slot).
-- KEYS[1]  a journal, <prefix>claims:{<slot tag>}:<nodeId>
-- ARGV     the other journals, all on the same master
-- Returns every member of them (a session in two journals comes twice).
local members = {}
local function read(journal)
  for _, member in ipairs(redis.call('ZRANGE', journal, 0, -1)) do
    members[#members + 1] = member
  end
end
read(KEYS[1])
for _, journal in ipairs(ARGV) do
  read(journal)
end
return members
