package io.wildcloud.ws.testing;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Ports for test servers: free, never the machine's Redis, below the range clients take source ports from. */
class FreePortsTest {

    @Test
    void portsAndClusterBusPortsAreFreeAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow;
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            ephemeralLow = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        }
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next(i % 2 == 0);
            int highest = i % 2 == 0 ? port + 10_000 : port;
            assertTrue(port >= 10_000 && highest < ephemeralLow, port + " reaches into the ephemeral range " + ephemeralLow);
            assertNotEquals(FreePorts.FORBIDDEN_REDIS_PORT, port);
            try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(server.isBound());
            }
        }
    }
}
