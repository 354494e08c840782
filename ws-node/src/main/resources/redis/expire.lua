#!lua flags=allow-oom
-- Ends a session whose disconnect delay has passed with nobody holding its slot, or whose holder
-- is on a node the caller found dead; in either case not before ARGV[2] (the grace after a store
-- gap, see expiry_lease.lua). A released session ends only ARGV[3] after its deadline: its client's
-- next poll may have reached a node before the deadline and its claim be still on its way here
-- (claim.lua keeps a session for a claim whose request arrived before the deadline; ending it on
-- the deadline alone lost such polls' messages at a drain).
-- KEYS[1] session hash, KEYS[2] queue list, KEYS[3] (a takeover's only) the session's end-owed mark
--         (end.lua): a gone session whose mark is left was ended by its dead node, unanswered
-- ARGV[1] holder the caller judged dead (its slot counts as free and its deadline as passed), or ''
-- ARGV[2] ms (Redis's clock) before which the session may not end, or 0
-- ARGV[3] ms after a released session's deadline before which it may not end (the claim grace)
-- Returns {-1} gone, {-2, holder} held by a receiver not judged dead, {-3} ended while closed,
-- {-4} ended while open (the caller notifies the expiry listener), {-5} released but no deadline,
-- {-6} gone, its end owed (mark deleted: the caller notifies), or {ms still to wait} (> 0).
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'x')
if not f[1] then
  if KEYS[3] and redis.call('DEL', KEYS[3]) == 1 then return {-6} end
  return {-1}
end
if f[2] and f[2] ~= ARGV[1] then return {-2, f[2]} end
local endsAt = tonumber(ARGV[2] or '0')
if not f[2] then
  if not f[3] then return {-5} end
  endsAt = math.max(endsAt, tonumber(f[3]) + tonumber(ARGV[3] or '0'))
end
if endsAt > 0 then
  local t = redis.call('TIME')
  local wait = endsAt - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  if wait > 0 then return {wait} end
end
redis.call('DEL', KEYS[1], KEYS[2])
if f[1] == 'o' then return {-4} end
return {-3}
