package io.wildcloud.ws.it.faults;

import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.it.balancer.RoundRobinBalancer;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the fault tests break: a Redis of the test's own (one it may kill and restart on the same
 * port), three nodes from the runnable jar on it ({@code -Xmx256m} each), and the round-robin
 * balancer in front of their public ports. One application; the test is its server side.
 */
final class FaultCluster implements AutoCloseable {

    static final String APPLICATION = "faults";
    static final String CALLBACK = "http://127.0.0.1:9/callback"; // never called: clients send nothing
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    final RedisTestServer redis;
    final String keyPrefix;
    final List<NodeProcess> nodes = new ArrayList<>();
    final RoundRobinBalancer balancer;
    private final String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final AtomicInteger clients = new AtomicInteger();
    private final java.util.Map<String, String> clientOfSocket = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param label names the nodes (and their logs): {@code <label>-1..3} */
    FaultCluster(String label, String... extraFlags) throws InterruptedException {
        redis = RedisTestServer.start();
        keyPrefix = RedisTestServer.newKeyPrefix(label);
        try {
            List<InetSocketAddress> backends = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                List<String> flags = new ArrayList<>(List.of("--redis-url=" + redis.url(),
                        "--redis-key-prefix=" + keyPrefix, "--applications=" + APPLICATION + ":" + secret,
                        "--heartbeat-interval=" + HEARTBEAT.toSeconds() + "s", "--disconnect-delay=10s"));
                flags.addAll(List.of(extraFlags));
                NodeProcess node = NodeProcess.start(label + "-" + i, flags.toArray(String[]::new));
                nodes.add(node);
                backends.add(new InetSocketAddress("127.0.0.1", node.publicPort()));
            }
            balancer = RoundRobinBalancer.start(backends);
        } catch (RuntimeException | Error | InterruptedException e) {
            close();
            throw e;
        }
    }

    NodeProcess node(int number) {
        return nodes.get(number - 1);
    }

    PushClient api(int number) {
        return PushClient.builder(URI.create(node(number).apiUrl()), secret).build();
    }

    /** Authorizes a new client through node {@code number}'s API; returns its socket id. */
    String authorize(int number) {
        String client = "client-" + clients.incrementAndGet();
        try {
            String socketId = api(number).authorize(client, URI.create(CALLBACK));
            clientOfSocket.put(socketId, client);
            return socketId;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Publishes through node {@code number}'s API; returns the answer (an error answer is an {@link UncheckedIOException}). */
    PublishResponse publish(int number, String socketId, String text) {
        try {
            return api(number).publish(socketId, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Revokes the socket (its client's authorization) through node {@code number}'s API. */
    RevokeResponse revoke(int number, String socketId) {
        try {
            return api(number).revoke(clientOfSocket.get(socketId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Publishes and fails unless exactly one session got the message. */
    void publishToOne(int number, String socketId, String text) {
        PublishResponse response = publish(number, socketId, text);
        if (response.sessions() != 1) {
            throw new AssertionError("publish of " + text + " through node " + number + ": " + response);
        }
    }

    /** {@code POST /authorize/...} on node {@code number}, as sent, for tests that look at failures. */
    RawResponse authorizeRaw(int number, Duration timeout) {
        return new Http(timeout).post(node(number).apiUrl() + "/authorize/" + secret + "/raw-client",
                "{\"callback\":\"" + CALLBACK + "\"}", "Content-Type", "application/json");
    }

    /** {@code POST /publish/<socket>} on node {@code number}, as sent. */
    RawResponse publishRaw(int number, String socketId, String text, Duration timeout) {
        return new Http(timeout).post(node(number).apiUrl() + "/publish/" + socketId,
                "{\"message\":\"" + text + "\"}", "Content-Type", "application/json");
    }

    /** {@code <sockjs base>} of a socket through the balancer. */
    String viaBalancer(String socketId) {
        return balancer.url() + "/" + socketId;
    }

    /** {@code <sockjs base>} of a socket on node {@code number} directly. */
    String direct(int number, String socketId) {
        return node(number).publicUrl() + "/" + socketId;
    }

    RawResponse health(int number) {
        return new Http(Duration.ofSeconds(20)).get(node(number).apiUrl() + "/health");
    }

    /** Messages queued for a session and not yet acknowledged, read from Redis itself. */
    long queued(String socketId, String sessionId) {
        return Long.parseLong(redis(keyPrefix + "{" + socketId + "}:q:" + sessionId, "LLEN"));
    }

    /** The receiver holding the session's slot ({@code <node>:<n>}), or null. */
    String holder(String socketId, String sessionId) {
        return redisHget(keyPrefix + "{" + socketId + "}:s:" + sessionId, "h");
    }

    private String redis(String key, String command) {
        URI uri = URI.create(redis.url());
        try {
            return RedisProbe.command(uri.getHost(), uri.getPort(), command, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String redisHget(String key, String field) {
        URI uri = URI.create(redis.url());
        try {
            String value = RedisProbe.command(uri.getHost(), uri.getPort(), "HGET", key, field);
            return value == null || value.isEmpty() ? null : value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until node {@code number} holds the session's slot. */
    void awaitHeldOn(int number, String socketId, String sessionId) {
        String prefix = node(number).name() + ":";
        Waits.await(() -> {
            String holder = holder(socketId, sessionId);
            return holder != null && holder.startsWith(prefix);
        }, () -> "session " + sessionId + " held on " + node(number).name() + " holder " + holder(socketId, sessionId),
                Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.close();
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
        redis.close();
    }
}
