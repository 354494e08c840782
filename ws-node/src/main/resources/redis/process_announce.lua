#!lua flags=allow-oom
-- Writes (again) which process runs under a node id (NodePresence), unless a newer one does: two
-- processes given one id (an operator's mistake the start check missed: both started at once, or
-- the older one's heartbeats paused past that check) find out at their next heartbeat, and the
-- older gives way. A newer process has the larger first receiver number (each start is above its
-- predecessor's last heartbeat on the roster's clock), or the same and the larger token.
-- KEYS[1] <prefix>process:{<nodeId>} ("<first receiver number> <token>"; an older build wrote
--         the number alone)
-- ARGV[1] this process's first receiver number (decimal: compared as text, Lua's numbers hold
--         only 53 bits)
-- ARGV[2] this process's token (random, fixed width)
-- ARGV[3] the key's TTL ms
-- Returns the newer process's value if one is written there (nothing written), else false.
local held = redis.call('GET', KEYS[1])
if held then
    local first, token = string.match(held, '^(%d+) ?(%S*)$')
    if first and (#first > #ARGV[1] or (#first == #ARGV[1] and
            (first > ARGV[1] or (first == ARGV[1] and token > ARGV[2])))) then
        return held
    end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
return false
