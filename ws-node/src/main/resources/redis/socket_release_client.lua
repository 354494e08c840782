#!lua flags=allow-oom
-- Forgets an application's client: deletes its client key.
-- KEYS[1] client key
-- Returns the socket id it held, or nil.
local current = redis.call('GET', KEYS[1])
if current then
  redis.call('DEL', KEYS[1])
end
return current
