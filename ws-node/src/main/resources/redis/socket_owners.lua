#!lua flags=no-writes,allow-oom
-- The applications of many sockets of one Cluster slot, for a batch publish's bearer-token check
-- (SocketStore.owners): one run per slot, where a socket_get run per socket named cost a batch of
-- 1000 sockets 1000 script runs before its publish. Counts as no use.
-- KEYS the sockets' hashes (one Cluster slot)
-- Returns one string per key, in order: the socket's application, '' if there is no socket.
local owners = {}
for i, key in ipairs(KEYS) do
  owners[i] = redis.call('HGET', key, 'a') or ''
end
return owners
