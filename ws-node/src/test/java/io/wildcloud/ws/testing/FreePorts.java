package io.wildcloud.ws.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds loopback ports that nothing listens on, for servers a test starts as processes. */
public final class FreePorts {

    /** The Redis that runs on this machine for other purposes; tests must never use it. */
    public static final int FORBIDDEN_REDIS_PORT = 6379;

    private FreePorts() {
    }

    /**
     * A port free on 127.0.0.1 right now. Another process may take it before ours binds, so callers
     * retry a failed start with a new port.
     *
     * @param withClusterBus also require {@code port + 10000} to be free (Redis Cluster's bus port)
     */
    public static int next(boolean withClusterBus) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = bindAndRelease(0);
            if (port == FORBIDDEN_REDIS_PORT || (withClusterBus && port > 55535)) {
                continue;
            }
            if (withClusterBus && !isFree(port + 10000)) {
                continue;
            }
            return port;
        }
        throw new IllegalStateException("no free loopback port found in 50 attempts");
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
