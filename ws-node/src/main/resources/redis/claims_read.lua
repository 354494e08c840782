#!lua flags=no-writes,allow-cross-slot-keys
-- Reads a node's claim journals (ClaimJournal) for a takeover: on a Cluster those of all the slots
-- one master serves, in one call; on a single Redis the one journal. The first journal comes in
-- KEYS, which routes the call to its master; the others as their slot tags in one ARGV, the script
-- building their names: Redis refuses declared keys of several slots, allow-cross-slot-keys lets
-- the script read undeclared ones of any slot that master serves (one it does not serve fails the
-- call, and the caller reads slot by slot), and one argument per journal (5461 per master of three)
-- cost the client up to a second a takeover at load 10, against one here.
-- KEYS[1]  a journal, <prefix>claims:{<slot tag>}:<nodeId>
-- ARGV[1]  what comes before the slot tag in a journal's name: <prefix>claims:{
-- ARGV[2]  what comes after it: }:<nodeId>
-- ARGV[3]  the slot tags of the other journals, all on the same master, space-separated
-- Returns every member of them (a session in two journals comes twice).
local members = {}
local function read(journal)
  for _, member in ipairs(redis.call('ZRANGE', journal, 0, -1)) do
    members[#members + 1] = member
  end
end
read(KEYS[1])
for tag in string.gmatch(ARGV[3], '%S+') do
  read(ARGV[1] .. tag .. ARGV[2])
end
return members
