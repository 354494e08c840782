package io.wildcloud.ws.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Finds loopback ports that nothing listens on, for servers a test starts as processes. */
public final class FreePorts {

    /** The Redis that runs on this machine for other purposes; tests must never use it. */
    public static final int FORBIDDEN_REDIS_PORT = 6379;

    private static final int LOWEST = 10_000;

    private FreePorts() {
    }

    /**
     * A port free on 127.0.0.1 right now, below the kernel's ephemeral range: outgoing connections
     * take their source ports from that range, so a port found free there can be taken by some
     * client's connect before our server binds it. Another picker may still take it, so callers retry
     * a failed start with a new port.
     *
     * @param withClusterBus also require {@code port + 10000} to be free (Redis Cluster's bus port),
     *     and below the range too
     */
    public static int next(boolean withClusterBus) {
        int highest = ephemeralLow() - 1 - (withClusterBus ? 10_000 : 0);
        if (highest - LOWEST < 1_000) {
            throw new IllegalStateException("too few ports below the ephemeral range: " + ephemeralLow());
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (port == FORBIDDEN_REDIS_PORT || !isFree(port)) {
                continue;
            }
            if (withClusterBus && !isFree(port + 10000)) {
                continue;
            }
            return port;
        }
        throw new IllegalStateException("no free loopback port found in 100 attempts");
    }

    private static int ephemeralLow() {
        try {
            // Not Files.readString: a /proc file says its size is 0, and that reads only its first byte.
            try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                return Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }

    private static boolean isFree(int port) {
        try {
            bindAndRelease(port);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static int bindAndRelease(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
