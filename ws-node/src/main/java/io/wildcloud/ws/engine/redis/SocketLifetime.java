package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.List;

/**
 * How long a push socket's keys live (see {@link RedisSocketStore}), and the renewal of its
 * client key when a script renewed the socket.
 */
final class SocketLifetime {

    final long idleMillis;
    /** A sixteenth of the idle timeout: the socket's keys live this much longer than idle. */
    final long renewalSlackMillis;
    final long socketTtlMillis;
    /** A quarter longer than idle, so that the client key outlives its socket. */
    final long clientTtlMillis;
    private final RedisRuntime runtime;

    SocketLifetime(RedisRuntime runtime, Duration idleTimeout) {
        if (idleTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("idleTimeout must be at least 1s: " + idleTimeout);
        }
        this.runtime = runtime;
        this.idleMillis = idleTimeout.toMillis();
        this.renewalSlackMillis = idleMillis / 16;
        this.socketTtlMillis = idleMillis + renewalSlackMillis;
        this.clientTtlMillis = idleMillis + idleMillis / 4;
    }

    /** A script that renewed the socket says so at {@code renewedAt}: renew the client key too. */
    void renewClientIfTold(List<Object> reply, int renewedAt) {
        if (((Long) reply.get(renewedAt)) == 1L) {
            renewClient((String) reply.get(0), (String) reply.get(1));
        }
    }

    /** The socket of this client was renewed: renew its client key. */
    void renewClient(String application, String clientId) {
        // Fire and forget: a missed renewal only shortens the client key's life by a quarter.
        String clientKey = runtime.keys().client(application, clientId);
        runtime.commands().timed("pexpire", () -> runtime.redisson().getBucket(clientKey, HeapStringCodec.INSTANCE)
                .expireAsync(Duration.ofMillis(clientTtlMillis)));
    }
}
