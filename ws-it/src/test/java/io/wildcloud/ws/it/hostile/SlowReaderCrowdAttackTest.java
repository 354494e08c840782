package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Many slow readers together (attack5): max-write-backlog bounds what waits for one connection
 * (4 MiB), nothing bounds the sum. One user's socket may hold 64 sessions; 64 websockets that
 * never read, and an application that publishes 60 KiB messages to that socket, each frame
 * encoded per session, fill 64 x 4 MiB = 256 MiB of direct memory. Found on main at 003fdcd with
 * {@code -Xmx256m} (so 256 MiB of direct memory): one such socket peaked at 240 MiB in 1-3 s;
 * two together ran it out: 14 {@code OutOfMemoryError: Cannot reserve 60009 bytes of direct buffer
 * memory} logged as ERROR with stack traces, and the application's publish connection reset on the
 * API port. ExitOnOutOfMemoryError does not fire for these, so the node lives on, refusing writes.
 * Here (HostileNode, 128 MiB direct) the readers held the node at its limit: 4 such errors, and its
 * /metrics gave no byte within 5 s while they stayed connected.
 */
@Disabled("attack5 finding, not fixed yet: no node-wide bound on write backlogs; 64 non-reading websockets"
        + " of one socket take 64 x max-write-backlog of direct memory")
class SlowReaderCrowdAttackTest {

    private static final int SESSIONS = 64; // the default sessions-per-socket
    private static final int MESSAGE_BYTES = 60 * 1024;
    private static final int MAX_PUBLISHES = 200; // 64 sessions x 4 MiB are cut off after ~70
    private static final Duration ATTACK_BOUND = Duration.ofSeconds(20);
    private static final long MIB = 1024 * 1024;

    @Test
    void oneSocketsNonReadingSessionsDoNotRunTheNodeOutOfDirectMemory() throws Exception {
        // HostileNode's JVM: 128 MiB of direct memory, half the 64 sessions' 4 MiB backlogs.
        try (HostileNode node = HostileNode.start("slow-reader-crowd")) {
            String socket = node.authorize("slow-reader-crowd");
            int port = node.node().publicPort();
            List<RawWebSocket> readers = new ArrayList<>();
            List<String> publishFailures = new ArrayList<>();
            MemoryPeak peak = new MemoryPeak(node);
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    readers.add(RawWebSocket.open(port, "/" + socket + "/000/crowd" + i + "/websocket", null, 4096));
                }
                publishUntilNoSessionLeft(node, socket, publishFailures);
                closeQuietly(peak);
                System.out.println("measured under attack: " + peak); // the figures for the report
                String log = Files.readString(node.node().log());
                assertFalse(log.contains("OutOfMemoryError"), "the node ran out of direct memory: "
                        + log.lines().filter(line -> line.contains("OutOfMemoryError")).count() + " times, e.g. "
                        + log.lines().filter(line -> line.contains("OutOfMemoryError")).findFirst().orElse(""));
                assertEquals(List.of(), publishFailures, "the application's publishes failed");
                // A node-wide bound should keep all slow readers together well below the JVM's limit.
                assertTrue(peak.directBytes() < 64 * MIB, peak.toString());
                node.assertNormalSessionsWork("after the attack");
            } finally {
                readers.forEach(RawWebSocket::close);
            }
        }
    }

    /** The last sample may find the node's /metrics unanswered (it did at 003fdcd): the peak so far stands. */
    private static void closeQuietly(MemoryPeak peak) throws InterruptedException {
        try {
            peak.close();
        } catch (AssertionError | RuntimeException unanswered) {
            System.out.println("last memory sample failed: " + unanswered);
        }
    }

    /** Publishes 60 KiB to every session of the socket, bounded in count and time, until none is left. */
    private static void publishUntilNoSessionLeft(HostileNode node, String socket, List<String> failures) {
        Http http = new Http(Duration.ofSeconds(5));
        String body = "{\"message\": \"" + "m".repeat(MESSAGE_BYTES) + "\"}";
        long deadline = System.nanoTime() + ATTACK_BOUND.toNanos();
        for (int i = 0; i < MAX_PUBLISHES && System.nanoTime() < deadline; i++) {
            RawResponse answer;
            try {
                answer = http.post(node.apiUrl() + "/publish/" + socket, body);
            } catch (RuntimeException e) {
                failures.add("publish " + i + ": " + e);
                return;
            }
            if (answer.status() != 200) {
                failures.add("publish " + i + ": " + answer.status() + " " + answer.bodyText());
                return;
            }
            if (answer.bodyText().contains("\"sessions\":0")) {
                return;
            }
        }
    }
}
