package io.wildcloud.ws.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers the tools and tests start as processes (nodes, Redis, HAProxy).
 *
 * <p>A port is picked below the kernel's ephemeral range ({@code ip_local_port_range}, 32768-60999 by
 * default), never from it: every outgoing connection takes its source port from that range, so a
 * port found free there can be taken by one of a load generator's thousands of client connections
 * between the check and the server's bind (the benchmark's 19,000-socket runs made that common).
 * Below the range only another picker can collide; callers still retry a start that found its port
 * taken.
 */
public final class LoopbackPorts {

    private static final int LOWEST = 10_000;
    /** The machine's own Redis; never hand it out, even if the range were to include it. */
    private static final int MACHINE_REDIS = 6379;

    private LoopbackPorts() {
    }

    /** A port on 127.0.0.1 that nothing listens on right now. */
    public static int pick() {
        int below = ephemeralLow();
        if (below - LOWEST < 1_000) {
            return anyFree(); // an unusual range: let the kernel choose
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (port != MACHINE_REDIS && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOWEST + "-" + (below - 1) + " after 100 tries");
    }

    private static int ephemeralLow() {
        try {
            // Not Files.readString: a /proc file says its size is 0, and that reads only its first byte.
            try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                return Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default, and not Linux: the same guess
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
