package io.wildcloud.ws.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis master watched by two Sentinels (as Redisson insists on), {@code redis-server}
 * processes on free loopback ports, for the engine's tests through Sentinel: one per JVM
 * ({@link #shared()}), whose tests each use a key prefix of their own.
 */
public final class RedisSentinels implements AutoCloseable {

    /** The master's name in the Sentinels' configuration and in {@link #url()}. */
    public static final String MASTER = "wsmaster";

    private static RedisSentinels shared;

    private final RedisServerProcess master;
    private final List<RedisServerProcess> sentinels = new ArrayList<>();

    private RedisSentinels(RedisServerProcess master) {
        this.master = master;
    }

    /** The JVM's Sentinels and master, started on first use and stopped at JVM end. */
    public static synchronized RedisSentinels shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "redis-sentinels-stop"));
        }
        return shared;
    }

    /** Starts the master and its two Sentinels and waits until the Sentinels found each other. */
    private static RedisSentinels start() {
        RedisSentinels started = new RedisSentinels(RedisServerProcess.start());
        try {
            for (int i = 0; i < 2; i++) {
                started.sentinels.add(RedisServerProcess.startSentinel(MASTER, started.master.port()));
            }
            // An array reply comes back as its length: the other Sentinels this one knows.
            for (RedisServerProcess sentinel : started.sentinels) {
                Waits.await(() -> "1".equals(probe(sentinel, "SENTINEL", "SENTINELS", MASTER)),
                        "Sentinels finding each other", Duration.ofSeconds(20));
            }
            return started;
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
    }

    private static String probe(RedisServerProcess sentinel, String... command) {
        try {
            return RedisProbe.command(sentinel.host(), sentinel.port(), command);
        } catch (IOException e) {
            return null;
        }
    }

    /** The engine's {@code redis-sentinel://} URL of these Sentinels and their master. */
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(s -> s.host() + ":" + s.port())
                .collect(Collectors.joining(",")) + "/" + MASTER;
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServerProcess::close);
        sentinels.clear();
        master.close();
    }
}
