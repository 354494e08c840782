package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ports the tools start servers on: free, never the machine's Redis, and no client's source port. */
class LoopbackPortsTest {

    @Test
    void picksFreePortsBelowTheEphemeralRange() throws Exception {
        int ephemeralLow;
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            ephemeralLow = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        }
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.pick();
            assertTrue(port >= 10_000 && port < ephemeralLow, port + " is not below the ephemeral range " + ephemeralLow);
            assertNotEquals(6379, port);
            // Free: a server binds it.
            try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(server.isBound());
            }
        }
    }
}
