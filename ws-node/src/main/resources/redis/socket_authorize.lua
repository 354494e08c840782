#!lua
-- Sets a socket's callback (creating the socket when told) and renews its TTL.
-- KEYS[1] socket hash (its index too, socket_index.lua), KEYS[2] the socket's session set of
--         earlier builds (folded)
-- ARGV[1] application name, ARGV[2] client id, ARGV[3] callback URL
-- ARGV[4] idle TTL, ms
-- ARGV[5] '1' to create the socket if missing, '0' to answer 0 instead
-- ARGV[6] '1' to change nothing when the callback would grow (its growth is charged to the
--         application's new-socket bytes first, NewSocketQuota), absent or '0' to set it anyway
-- Returns 1 done, 0 the socket does not exist (and was not created), or -(1 + the stored
-- callback's bytes) when ARGV[6] refused a longer callback.
foldLegacyIndex(KEYS[1], KEYS[2])
if ARGV[5] ~= '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[6] == '1' then
  local stored = redis.call('HSTRLEN', KEYS[1], 'cb')
  if string.len(ARGV[3]) > stored then
    return -(1 + stored)
  end
end
-- Always all three: socket_index.lua counts the index as the hash's fields but these.
redis.call('HSET', KEYS[1], 'a', ARGV[1], 'c', ARGV[2], 'cb', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
