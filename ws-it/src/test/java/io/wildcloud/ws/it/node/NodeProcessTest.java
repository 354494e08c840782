package io.wildcloud.ws.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The launcher that fault tests use: a node from the runnable jar, stopped by signal. */
class NodeProcessTest {

    private final Http http = new Http(Duration.ofSeconds(2));

    @Test
    void nodeStartsHealthyAndDrainsOnSigterm() {
        try (NodeProcess node = NodeProcess.start("launcher-sigterm")) {
            assertEquals(200, http.get(node.publicUrl() + "/health").status());
            assertEquals(200, http.get(node.apiUrl() + "/health").status());
            assertTrue(ProcessHandle.of(node.pid()).isPresent());

            node.sigterm();
            // A JVM that exits through its shutdown hooks after SIGTERM reports 143 (128 + 15).
            int exit = node.awaitExit(Duration.ofSeconds(30));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertFalse(node.isAlive());
            node.assertNoLeakReports();
        }
    }

    @Test
    void nodeDiesAtOnceOnSigkill() {
        try (NodeProcess node = NodeProcess.start("launcher-sigkill")) {
            node.sigkill();
            int exit = node.awaitExit(Duration.ofSeconds(10));
            assertNotEquals(0, exit);
            assertEquals(137, exit, "128 + SIGKILL");
        }
    }
}
