package io.wildcloud.ws.testing;

import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Redis that tests use, one per JVM: {@code REDIS_URL} when set; otherwise a Testcontainers
 * {@code redis:7-alpine} when Docker is available; otherwise a {@code redis-server} process on a
 * free loopback port. The Redis may be shared with other tests and other runs, so every test takes
 * its own {@link #newKeyPrefix key prefix} and nothing ever flushes it.
 */
public final class RedisTestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTestServer.class);
    private static RedisTestServer shared;

    private final String url;
    private final AutoCloseable owned;
    /** The redis-server process when this Redis is one (it can then be stopped and restarted), else null. */
    private RedisServerProcess process;

    private RedisTestServer(String url, AutoCloseable owned) {
        this.url = url;
        this.owned = owned;
    }

    private RedisTestServer(RedisServerProcess process) {
        this.url = process.url();
        this.owned = null;
        this.process = process;
    }

    /** The JVM's Redis, started on first use and stopped at JVM end. */
    public static synchronized RedisTestServer shared() {
        if (shared == null) {
            shared = start();
            RedisTestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
        }
        return shared;
    }

    /** A Redis of its own, for a test that stops or restarts it; close it when done. */
    public static RedisTestServer start() {
        String fromEnv = System.getenv("REDIS_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            refuseMachineRedis(fromEnv);
            LOG.info("Redis for tests from REDIS_URL: {}", fromEnv);
            return new RedisTestServer(fromEnv, null);
        }
        if (dockerAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                    .withExposedPorts(6379);
            container.start();
            String url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
            LOG.info("Redis for tests from Testcontainers: {}", url);
            return new RedisTestServer(url, container::stop);
        }
        RedisServerProcess process = RedisServerProcess.start();
        LOG.info("Redis for tests: {}", process);
        return new RedisTestServer(process);
    }

    /** {@code redis://host:port} of this Redis. */
    public String url() {
        return url;
    }

    /** A key prefix no other test uses: {@code t:<label>:<random>:}. */
    public static String newKeyPrefix(String label) {
        return "t:" + label + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /**
     * Whether fault tests can stop and restart this Redis on the same port: only a redis-server
     * process of its own (not REDIS_URL, nor a container, whose port would change).
     */
    public synchronized boolean canStopAndRestart() {
        return process != null;
    }

    /** Kills the Redis (SIGKILL): clients see their connections reset and new ones refused. */
    public synchronized void kill() {
        requireProcess().kill();
    }

    /**
     * Freezes the Redis (SIGSTOP): connections stay open but nothing answers, as in a network
     * partition. {@link #resume()} thaws it with its data.
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Thaws a {@link #freeze() frozen} Redis (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
    }

    /** Starts a new, empty Redis on the same port, after {@link #kill()}. */
    public synchronized void restartEmpty() {
        RedisServerProcess old = requireProcess();
        if (old.isAlive()) {
            old.kill();
        }
        process = RedisServerProcess.startOn(old.port());
        LOG.info("Redis for tests restarted empty: {}", process);
    }

    private RedisServerProcess requireProcess() {
        if (process == null) {
            throw new IllegalStateException("this Redis (" + url + ") is not a process of the test's own:"
                    + " check canStopAndRestart() first");
        }
        return process;
    }

    private void signal(String name) {
        long pid = requireProcess().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            if (process.isAlive()) {
                signal("CONT"); // a frozen Redis would ignore the SIGTERM of close()
            }
            process.close();
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("stopping test Redis {} failed", url, e);
            }
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The machine's own Redis on 127.0.0.1:6379 belongs to someone else: tests never use it. */
    private static void refuseMachineRedis(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        String host = uri.getHost();
        boolean loopback = host == null || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
        if (loopback && port == FreePorts.FORBIDDEN_REDIS_PORT) {
            throw new IllegalStateException("REDIS_URL " + url + " is the machine's Redis on port 6379, which tests"
                    + " must not use: point REDIS_URL at a Redis of its own, or unset it");
        }
    }
}
