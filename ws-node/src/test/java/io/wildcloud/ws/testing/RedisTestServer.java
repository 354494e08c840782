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

    private RedisTestServer(String url, AutoCloseable owned) {
        this.url = url;
        this.owned = owned;
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
        return new RedisTestServer(process.url(), process);
    }

    /** {@code redis://host:port} of this Redis. */
    public String url() {
        return url;
    }

    /** A key prefix no other test uses: {@code t:<label>:<random>:}. */
    public static String newKeyPrefix(String label) {
        return "t:" + label + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @Override
    public void close() {
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
