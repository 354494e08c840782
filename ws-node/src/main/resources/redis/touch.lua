-- Keeps a held session's keys alive and checks that this node still holds it.
-- KEYS[1] session hash, KEYS[2] queue list
-- ARGV[1] receiver id expected to hold the slot
-- ARGV[2] hold TTL ms
-- Returns 1 still held (TTL renewed), 0 another receiver holds the slot, -1 no session.
local h = redis.call('HGET', KEYS[1], 'h')
if not h then
  if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
  return 0
end
if h ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
