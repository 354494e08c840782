package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, row 4: websocket clients that ping as fast as they can and never read. Each ping costs
 * the node a pong; on main, 4 connections and 2M pings took direct memory from 6 to 243 MB and were
 * never cut off. Now two bounds stop it: a connection over its control-frame budget is closed with
 * 1008 and read no more; and pongs count against {@code max-write-backlog} like every write, so a
 * peer that does not read them is cut off even when the budget allows its pings.
 */
class PingFloodAttackTest {

    private static final int CONNECTIONS = 4;
    private static final Duration ATTACK_BOUND = Duration.ofSeconds(10);
    /**
     * The kernel takes ~4 MiB of pongs (its send buffer, autotuned) before the node's own backlog
     * grows: ~33k pings, which a node with paranoid leak detection on a loaded machine (load
     * average 45) answered in ~30 s.
     */
    private static final Duration PONG_ATTACK_BOUND = Duration.ofSeconds(60);
    /** How long past the attack's end a write may still block before the attack is ended by force. */
    private static final Duration WRITE_GRACE = Duration.ofSeconds(20);
    private static final byte[] PING_PAYLOAD = new byte[125]; // the largest a control frame may carry
    private static final long MIB = 1024 * 1024;

    @Test
    void pingFloodFromClientsThatDoNotReadIsCutOff() throws Exception {
        try (HostileNode node = HostileNode.start("ping-flood")) {
            String socket = node.authorize("ping-flooder");
            long logBefore = node.logBytes();
            List<RawWebSocket> attackers = openNonReading(node, socket, CONNECTIONS);
            try (MemoryPeak peak = new MemoryPeak(node)) {
                List<Integer> sent = new ArrayList<>();
                node.assertSurvives(Duration.ofSeconds(1), () -> sent.addAll(flood(attackers, 50_000, ATTACK_BOUND)));
                peak.close();
                System.out.println("measured under attack: " + peak); // the figures for BENCHMARKS and the issue
                for (RawWebSocket attacker : attackers) {
                    assertTrue(attacker.closedByServerWithin(Duration.ofSeconds(5)),
                            "a flooder is closed (1008, then the close grace); pings sent " + sent);
                }
                double closed1008 = node.metric("ws_websocket_closed_total", "code=\"1008\"");
                assertTrue(closed1008 >= 1 && closed1008 <= CONNECTIONS, "1008 closes counted: " + closed1008);
                // 200k pings of 125 bytes, unread: on main every one left a 127-byte pong behind
                // (25 MB). Measured: 1 MiB direct, RSS 152 MiB (the node starts at ~140).
                assertTrue(peak.directBytes() < 8 * MIB, peak.toString());
                assertTrue(peak.rssBytes() < 300 * MIB, peak.toString());
            } finally {
                attackers.forEach(RawWebSocket::close);
            }
            assertTrue(node.logBytes() - logBefore < 64 * 1024, "log grew by " + (node.logBytes() - logBefore));
        }
    }

    @Test
    void pongsAClientDoesNotReadCountInTheWriteBacklogAndCutItOff() throws Exception {
        // A budget no flood here reaches, so that only the write backlog (64 KiB) can stop it.
        try (HostileNode node = HostileNode.start("pong-backlog", "--max-control-frames-per-second=100000",
                "--max-write-backlog=65536")) {
            String socket = node.authorize("pong-flooder");
            long logBefore = node.logBytes();
            List<RawWebSocket> attackers = openNonReading(node, socket, 1);
            try (MemoryPeak peak = new MemoryPeak(node)) {
                List<Integer> sent = new ArrayList<>();
                node.assertSurvives(Duration.ofSeconds(1), () -> sent.addAll(flood(attackers, 200_000, PONG_ATTACK_BOUND)));
                peak.close();
                System.out.println("pongs unread, pings sent " + sent + ": " + peak);
                for (RawWebSocket attacker : attackers) {
                    assertTrue(attacker.closedByServerWithin(Duration.ofSeconds(5)), "a flooder is cut off; pings sent " + sent);
                }
                assertEquals(attackers.size(), node.metric("ws_connections_cut_off_total", "port=\"public\"", "reason=\"max_write_backlog\""),
                        "cut off by max-write-backlog; pings sent " + sent);
                assertEquals(0, node.metric("ws_websocket_closed_total", "code=\"1008\""), "not by the control-frame budget");
                // The kernel holds what the peer does not read (up to its 4 MiB send buffer on this
                // loopback), the node at most 64 KiB more per connection.
                assertTrue(peak.directBytes() < 8 * MIB, peak.toString());
                assertTrue(peak.rssBytes() < 300 * MIB, peak.toString());
            } finally {
                attackers.forEach(RawWebSocket::close);
            }
            assertTrue(node.logBytes() - logBefore < 64 * 1024, "log grew by " + (node.logBytes() - logBefore));
        }
    }

    @Test
    void pingsBeyondTheBudgetAreAnsweredWithClose1008() throws Exception {
        try (HostileNode node = HostileNode.start("ping-budget");
                RawWebSocket client = RawWebSocket.open(node.node().publicPort(),
                        "/" + node.authorize("pinger") + "/websocket", null, 256 * 1024)) {
            long started = System.nanoTime();
            client.write(batchOfPings(200));
            int pongs = 0;
            RawWebSocket.Frame frame;
            while ((frame = client.read()).opcode() == RawWebSocket.PONG) {
                pongs++;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(RawWebSocket.CLOSE, frame.opcode());
            assertEquals(1008, frame.closeCode());
            assertEquals("Too many control frames", new String(frame.payload(), 2, frame.payload().length - 2,
                    StandardCharsets.UTF_8));
            // The burst (50), and what refilled while the 200 pings were read: 50 a second, bounded by
            // the time they took here (a busy machine may take over a second).
            assertTrue(pongs >= 50 && pongs <= 50 + 50 * Math.ceil(seconds) + 1,
                    pongs + " pongs before the close, " + seconds + " s after the pings were sent");
            // The close grace is 2 s; the bound is generous for a loaded machine: what counts is that the node closes.
            assertTrue(client.closedByServerWithin(Duration.ofSeconds(10)), "not closed after the close grace (2 s)");
        }
    }

    private static List<RawWebSocket> openNonReading(HostileNode node, String socket, int count) {
        List<RawWebSocket> attackers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            attackers.add(RawWebSocket.open(node.node().publicPort(), "/" + socket + "/websocket", null, 4096));
        }
        return attackers;
    }

    /**
     * Each connection sends up to {@code pings} pings, 1000 per write, within {@code bound};
     * a connection stops at the first failed write (the node cut it off). Returns what each sent.
     */
    private static List<Integer> flood(List<RawWebSocket> attackers, int pings, Duration bound) throws Exception {
        byte[] batch = batchOfPings(1000);
        long deadline = System.nanoTime() + bound.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(attackers.size());
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (RawWebSocket attacker : attackers) {
                results.add(threads.submit(() -> {
                    int sent = 0;
                    try {
                        while (sent < pings && System.nanoTime() < deadline) {
                            attacker.write(batch);
                            sent += 1000;
                        }
                    } catch (IOException cutOff) {
                        // the node closed the connection: the attack on it is over
                    }
                    return sent;
                }));
            }
            List<Integer> sent = new ArrayList<>();
            for (Future<Integer> result : results) {
                try {
                    sent.add(result.get(Math.max(0, deadline - System.nanoTime()) + WRITE_GRACE.toNanos(), TimeUnit.NANOSECONDS));
                } catch (TimeoutException blockedInAWrite) {
                    // A node that stopped reading holds the write: end the attack (its test then fails).
                    attackers.forEach(RawWebSocket::close);
                    sent.add(result.get());
                }
            }
            return sent;
        } finally {
            threads.shutdownNow();
        }
    }

    private static byte[] batchOfPings(int count) {
        byte[] ping = RawWebSocket.frame(RawWebSocket.FIN | RawWebSocket.PING, PING_PAYLOAD);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(ping.length * count);
        for (int i = 0; i < count; i++) {
            batch.writeBytes(ping);
        }
        return batch.toByteArray();
    }
}
