package io.wildcloud.ws.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters (no replicas) made of {@code redis-server} processes on free
 * loopback ports, joined with {@code redis-cli --cluster create}. For the cluster tests; close it
 * when done (it also stops at JVM end).
 */
public final class RedisClusterProcesses implements AutoCloseable {

    public static final String REDIS_CLI = "/usr/bin/redis-cli";
    private static final long READY_TIMEOUT_MILLIS = 20_000;

    private final List<RedisServerProcess> masters;

    private RedisClusterProcesses(List<RedisServerProcess> masters) {
        this.masters = masters;
    }

    /** Starts three cluster-enabled servers, creates the cluster and waits until it reports ok. */
    public static RedisClusterProcesses start() {
        List<RedisServerProcess> masters = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                masters.add(RedisServerProcess.start(true, "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            }
            RedisClusterProcesses cluster = new RedisClusterProcesses(masters);
            cluster.create();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            masters.forEach(RedisServerProcess::close);
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI, "--cluster", "create"));
        masters.forEach(m -> command.add(m.host() + ":" + m.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + REDIS_CLI, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the cluster", e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (masters.stream().allMatch(RedisClusterProcesses::reportsOk)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the cluster", e);
            }
        }
        throw new IllegalStateException("cluster did not report cluster_state:ok in time: " + masters);
    }

    private static boolean reportsOk(RedisServerProcess master) {
        try {
            String info = RedisProbe.command(master.host(), master.port(), "CLUSTER", "INFO");
            return info != null && info.contains("cluster_state:ok");
        } catch (IOException e) {
            return false;
        }
    }

    public List<RedisServerProcess> masters() {
        return masters;
    }

    /** The seed addresses, {@code redis://127.0.0.1:p1,redis://127.0.0.1:p2,...}. */
    public List<String> nodeUrls() {
        return masters.stream().map(RedisServerProcess::url).collect(Collectors.toList());
    }

    @Override
    public void close() {
        masters.forEach(RedisServerProcess::close);
    }
}
