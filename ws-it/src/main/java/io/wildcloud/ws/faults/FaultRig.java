package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoadOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * What the fault suite and the soak break: a Redis (a {@link RedisServer} of the rig's own, or one
 * given by URL, e.g. a Redis Cluster), N nodes from the runnable jar on it, and HAProxy in front of
 * them. One application; the load generator is its client.
 */
public final class FaultRig implements AutoCloseable {

    public static final String APPLICATION = "faults";

    /**
     * @param nodes how many node processes
     * @param nodeJar the runnable {@code ws-node-*-all.jar}
     * @param workDir logs, the Redis AOF, the HAProxy configuration
     * @param nodeJvmOptions e.g. {@code -Xmx256m}
     * @param nodeFlags node settings added to those the rig sets (Redis, application, key prefix)
     * @param nodeEnvironments environment variables added to one node's process, by node number from 1
     *     (e.g. libfaketime's, to give that node a host clock of its own)
     */
    public record Settings(int nodes, Path nodeJar, Path workDir, String redisServer, String haproxy,
                           List<String> nodeJvmOptions, List<String> nodeFlags,
                           Map<Integer, Map<String, String>> nodeEnvironments) {

        /** Every node in the rig's own environment. */
        public Settings(int nodes, Path nodeJar, Path workDir, String redisServer, String haproxy,
                        List<String> nodeJvmOptions, List<String> nodeFlags) {
            this(nodes, nodeJar, workDir, redisServer, haproxy, nodeJvmOptions, nodeFlags, Map.of());
        }
    }

    private final RedisServer redis;
    private final String redisUrl;
    private final String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final List<NodeServer> nodes = new ArrayList<>();
    private Haproxy balancer;

    private FaultRig(RedisServer redis, String redisUrl) {
        this.redis = redis;
        this.redisUrl = redisUrl;
    }

    /** Starts a Redis of the rig's own, the nodes and HAProxy. */
    public static FaultRig start(Settings settings) {
        RedisServer redis = RedisServer.start(settings.redisServer(), settings.workDir().resolve("redis"));
        return startNodes(new FaultRig(redis, redis.url()), settings);
    }

    /** Starts the nodes and HAProxy on a Redis someone else runs ({@code redis-cluster://...} and the like). */
    public static FaultRig startOn(String redisUrl, Settings settings) {
        return startNodes(new FaultRig(null, redisUrl), settings);
    }

    private static FaultRig startNodes(FaultRig rig, Settings settings) {
        try {
            for (int i = 1; i <= settings.nodes(); i++) {
                List<String> flags = new ArrayList<>(List.of("--redis-url=" + rig.redisUrl,
                        "--redis-key-prefix=faults:", "--applications=" + APPLICATION + ":" + rig.secret));
                flags.addAll(settings.nodeFlags());
                rig.nodes.add(NodeServer.start("node-" + i, settings.nodeJar(), settings.workDir(),
                        settings.nodeJvmOptions(), flags, settings.nodeEnvironments().getOrDefault(i, Map.of())));
            }
            rig.balancer = Haproxy.start(settings.haproxy(), settings.workDir().resolve("haproxy"), rig.nodes);
            return rig;
        } catch (RuntimeException | Error e) {
            rig.close();
            throw e;
        }
    }

    /** The Redis of the rig's own; fails for a rig {@linkplain #startOn on someone else's}. */
    public RedisServer redis() {
        if (redis == null) {
            throw new IllegalStateException("this rig runs on " + redisUrl + ", not a Redis of its own");
        }
        return redis;
    }

    public List<NodeServer> nodes() {
        return nodes;
    }

    /** Node {@code number}, from 1. */
    public NodeServer node(int number) {
        return nodes.get(number - 1);
    }

    public Haproxy balancer() {
        return balancer;
    }

    /** The application's secret (the path segment of authorize). */
    public String secret() {
        return secret;
    }

    /**
     * Load generator options against this rig: sessions and the API through HAProxy, plus
     * {@code flags} ({@code --sessions=}, {@code --rate=}, {@code --duration=}, ...).
     */
    public LoadOptions loadOptions(String... flags) {
        List<String> args = new ArrayList<>(List.of("--url=" + balancer.publicUrl(), "--api-url=" + balancer.apiUrl(),
                "--app=" + secret));
        args.addAll(List.of(flags));
        return LoadOptions.parse(args.toArray(String[]::new));
    }

    /**
     * Polls {@code /health/ready} of the living nodes every 20 ms until each has answered a status
     * {@code wanted} accepts at least once; returns how long that took, or null after {@code timeout}.
     */
    public Duration awaitReadiness(IntPredicate wanted, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<NodeServer> pending = new ArrayList<>(nodes.stream().filter(NodeServer::isAlive).toList());
        while (!pending.isEmpty()) {
            pending.removeIf(node -> wanted.test(node.readiness()));
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Processes.pause(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.close();
        }
        nodes.forEach(NodeServer::close);
        if (redis != null) {
            redis.close();
        }
    }
}
