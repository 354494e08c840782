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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Many slow readers together (attack5): max-write-backlog bounds what waits for one connection
 * (4 MiB), nothing bounded the sum. One user's socket may hold 64 sessions; 64 websockets that
 * never read, and an application that publishes 60 KiB messages to them, each frame encoded per
 * session, fill 64 x 4 MiB = 256 MiB of direct memory. Found on main at 003fdcd with
 * {@code -Xmx256m} (so 256 MiB of direct memory): one such socket peaked at 240 MiB in 1-3 s;
 * two together ran it out: 14 {@code OutOfMemoryError: Cannot reserve 60009 bytes of direct buffer
 * memory} logged as ERROR with stack traces, and the application's publish connection reset on the
 * API port. ExitOnOutOfMemoryError does not fire for these, so the node lives on, refusing writes.
 * Since a socket opens at most {@code new-session-burst} (16) sessions at once, the crowd here is
 * four users' sockets of 16 sessions each, all in one publish; on HostileNode (128 MiB direct) they
 * held the node at its limit. Now {@code max-write-memory} (a quarter of direct memory, half per
 * port) bounds the sum: past it the largest backlogs are cut off.
 */
class SlowReaderCrowdAttackTest {

    private static final int SOCKETS = 4;
    private static final int SESSIONS_PER_SOCKET = 16; // the default new-session-burst
    private static final int MESSAGE_BYTES = 60 * 1024;
    private static final int MAX_PUBLISHES = 200; // 64 sessions x 4 MiB are cut off after ~70
    private static final Duration ATTACK_BOUND = Duration.ofSeconds(20);
    private static final long MIB = 1024 * 1024;

    @Test
    void manyNonReadingSessionsDoNotRunTheNodeOutOfDirectMemory() throws Exception {
        // HostileNode's JVM: 128 MiB of direct memory, half the 64 sessions' 4 MiB backlogs.
        try (HostileNode node = HostileNode.start("slow-reader-crowd")) {
            List<String> sockets = new ArrayList<>();
            for (int i = 0; i < SOCKETS; i++) {
                sockets.add(node.authorize("slow-reader-crowd-" + i));
            }
            int port = node.node().publicPort();
            List<RawWebSocket> readers = new ArrayList<>();
            List<String> publishFailures = new ArrayList<>();
            MemoryPeak peak = new MemoryPeak(node);
            try {
                for (String socket : sockets) {
                    for (int i = 0; i < SESSIONS_PER_SOCKET; i++) {
                        readers.add(RawWebSocket.open(port, "/" + socket + "/000/crowd" + i + "/websocket", null, 4096));
                    }
                }
                int sessionsReached = publishUntilNoSessionLeft(node, sockets, publishFailures);
                closeQuietly(peak);
                System.out.println("measured under attack: " + peak); // the figures for the report
                assertEquals(readers.size(), sessionsReached, "the first publish reached every session");
                String log = Files.readString(node.node().log());
                assertFalse(log.contains("OutOfMemoryError"), "the node ran out of direct memory: "
                        + log.lines().filter(line -> line.contains("OutOfMemoryError")).count() + " times, e.g. "
                        + log.lines().filter(line -> line.contains("OutOfMemoryError")).findFirst().orElse(""));
                assertEquals(List.of(), publishFailures, "the application's publishes failed");
                // A node-wide bound should keep all slow readers together well below the JVM's limit.
                assertTrue(peak.directBytes() < 64 * MIB, peak.toString());
                assertTrue(node.metric("ws_connections_cut_off_total", "port=\"public\"",
                        "reason=\"max_write_memory\"") > 0, "cut off for the port's write memory");
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

    /**
     * Publishes 60 KiB to every session of the sockets, in one request each time, bounded in count
     * and time, until none is left. Returns how many sessions the first publish reached.
     */
    private static int publishUntilNoSessionLeft(HostileNode node, List<String> sockets, List<String> failures) {
        Http http = new Http(Duration.ofSeconds(5));
        String targets = sockets.stream().map(socket -> "{\"socket_id\": \"" + socket + "\"}")
                .collect(java.util.stream.Collectors.joining(", "));
        String body = "{\"targets\": [" + targets + "], \"message\": \"" + "m".repeat(MESSAGE_BYTES) + "\"}";
        Pattern sessions = Pattern.compile("^\\{\"sessions\":(\\d+)");
        int first = -1;
        long deadline = System.nanoTime() + ATTACK_BOUND.toNanos();
        for (int i = 0; i < MAX_PUBLISHES && System.nanoTime() < deadline; i++) {
            RawResponse answer;
            try {
                answer = http.post(node.apiUrl() + "/publish", body);
            } catch (RuntimeException e) {
                failures.add("publish " + i + ": " + e);
                return first;
            }
            Matcher reached = sessions.matcher(answer.bodyText());
            if (answer.status() != 200 || !reached.find()) {
                failures.add("publish " + i + ": " + answer.status() + " " + answer.bodyText());
                return first;
            }
            int count = Integer.parseInt(reached.group(1));
            first = first < 0 ? count : first;
            if (count == 0) {
                return first;
            }
        }
        return first;
    }
}
