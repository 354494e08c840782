package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row 2 of issue 13: 900 connections each sending a chunked body that never ends (390 KiB of it),
 * to any path, without authentication. Before: ~450 KB of direct memory per connection, "Cannot
 * reserve direct buffer memory", and the node unreachable for minutes. Each body must be cut at
 * the public port's body limit (413) or refused once the port's request memory is spent (503),
 * each connection must end, and the node must hold far less than 900 bodies' worth of memory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChunkedBodyFloodTest {

    private static final int CONNECTIONS = 900;
    private static final int BODY_BYTES = 390 * 1024;
    /** The attack lasted 20 s; the node must have ended every connection by then. */
    private static final Duration ATTACK = Duration.ofSeconds(20);
    private static final long ROUND_MILLIS = 100;
    /**
     * The JVM's ceiling is 128 MiB, which the node hit before. max-request-memory is 32 MiB here (a
     * quarter of it), 16 for the public port; on top come one read buffer per busy connection and
     * what the allocator keeps pooled. Measured peak: 75-79 MiB (46-54 MiB when the attack sends
     * flat out instead of paced: fewer, fuller reads).
     */
    private static final long DIRECT_MEMORY_BOUND = 96L * 1024 * 1024;
    /** Heap 128 MiB, direct memory as above, plus the JVM itself. Measured peak: 250-330 MiB. */
    private static final long RSS_BOUND = 400L * 1024 * 1024;
    private static final long LOG_BOUND_BYTES = 16 * 1024;

    private static HostileNode node;

    @BeforeAll
    static void start() {
        node = HostileNode.start("hostile-chunked-flood");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void neverEndingChunkedBodiesAreCutAndMemoryStaysBounded() throws Exception {
        long logBefore = node.logBytes();
        AtomicLong peakDirect = new AtomicLong();
        AtomicLong peakRss = new AtomicLong();
        int[] closed = new int[1];
        int[] answered = new int[1];
        String[] answers = new String[1];
        byte[] head = RawExchange.ascii("POST /flood/000/s/xhr_send HTTP/1.1\r\nHost: node\r\n"
                + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] chunk = RawExchange.ascii("2000\r\n" + "x".repeat(0x2000) + "\r\n");
        node.assertSurvives(Duration.ofSeconds(4), () -> {
            long connecting = System.nanoTime();
            try (Crowd crowd = Crowd.connect(node.node().publicPort(), CONNECTIONS)) {
                long started = System.nanoTime();
                System.out.printf("chunked flood: %d connections in %d ms%n", CONNECTIONS, (started - connecting) / 1_000_000);
                crowd.sendToEach(head, Long.MAX_VALUE);
                long deadline = System.nanoTime() + ATTACK.toNanos();
                long nextSample = 0;
                while (System.nanoTime() < deadline && crowd.closedByServer() < CONNECTIONS) {
                    crowd.sendToEach(chunk, head.length + BODY_BYTES);
                    crowd.poll();
                    // 8 KiB to every connection per round, ten rounds a second (70 MiB/s): every body
                    // grows at once, as in the 20 s attack, without racing loopback flat out.
                    Thread.sleep(ROUND_MILLIS);
                    if (System.nanoTime() > nextSample) {
                        peakDirect.accumulateAndGet(node.directMemoryBytes(), Math::max);
                        peakRss.accumulateAndGet(node.rssBytes(), Math::max);
                        nextSample = System.nanoTime() + 250_000_000L;
                    }
                }
                closed[0] = crowd.closedByServer();
                answered[0] = crowd.answeredWith("HTTP/1.1 413") + crowd.answeredWith("HTTP/1.1 503");
                answers[0] = crowd.answers().toString();
                System.out.printf("chunked flood: %d of %d closed in %d ms, %d answered 413/503, peak direct %d MiB,"
                        + " peak RSS %d MiB%n", closed[0], CONNECTIONS, (System.nanoTime() - started) / 1_000_000,
                        answered[0], peakDirect.get() >> 20, peakRss.get() >> 20);
            }
        });
        assertEquals(CONNECTIONS, closed[0], "connections the node ended; answers: " + answers[0]);
        assertEquals(CONNECTIONS, answered[0], "connections answered 413 or 503; answers: " + answers[0]);
        assertTrue(peakDirect.get() < DIRECT_MEMORY_BOUND, "direct memory peaked at " + peakDirect.get());
        assertTrue(peakRss.get() < RSS_BOUND, "RSS peaked at " + peakRss.get());
        assertTrue(node.logBytes() - logBefore < LOG_BOUND_BYTES, "log grew by " + (node.logBytes() - logBefore));
    }
}
