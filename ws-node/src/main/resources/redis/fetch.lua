#!lua flags=no-writes
-- Reads what a holding receiver has not yet been given, to fill a gap or catch up after a
-- (re)subscription. Read only.
-- KEYS[1] session hash, KEYS[2] queue list
-- ARGV[1] receiver id that must hold the slot
-- ARGV[2] last seq the receiver was given
-- Returns {'G'} no session, {'E'} another receiver holds the slot,
--   else {state o|c, close frame or '', firstSeq, msg...}.
local f = redis.call('HMGET', KEYS[1], 'st', 'cf', 'h', 'a')
if not f[1] then return {'G'} end
if f[3] ~= ARGV[1] then return {'E'} end
local acked = tonumber(f[4])
local from = math.max(tonumber(ARGV[2]) - acked, 0)
local res = redis.call('LRANGE', KEYS[2], from, -1)
table.insert(res, 1, acked + 1 + from)
table.insert(res, 1, f[2] or '')
table.insert(res, 1, f[1])
return res
