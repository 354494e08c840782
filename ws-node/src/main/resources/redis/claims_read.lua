#!lua flags=no-writes,allow-cross-slot-keys
-- Reads a node's claim journals (ClaimJournal) for a takeover: on a Cluster those of all the slots
-- one master serves, in one call; on a single Redis the one journal. The first journal comes in
-- KEYS, which routes the call to its master; the others as their slot tags, all in one argument,
-- and the script names them: thousands of arguments cost the client a second of CPU on its I/O
-- threads, which the node's own commands then wait for. Redis refuses declared keys of several
-- slots, and allow-cross-slot-keys lets the script read undeclared ones of any slot that master
-- serves (one it does not serve fails the call, and the caller reads slot by slot).
-- KEYS[1]  a journal, <prefix>claims:{<slot tag>}:<nodeId>
-- ARGV[1]  the journals' names before the slot tag, <prefix>claims:{
-- ARGV[2]  their names after it, }:<nodeId>
-- ARGV[3]  the slot tags of the other journals, separated by spaces, all of slots of that master
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
