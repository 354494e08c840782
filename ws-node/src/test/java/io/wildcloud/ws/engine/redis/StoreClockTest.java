package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StoreClockTest {

    @Test
    void aReadingBoundsRedisClockBetweenItsSendAndItsAnswer() {
        StoreClock clock = new StoreClock();
        long sent = System.nanoTime() - 3_000_000_000L;
        clock.read(1_000_000L, sent, sent + 10_000_000L); // TIME ran within those 10 ms
        assertEquals(1_000_000L, clock.arrivalAt(sent + 10_000_000L), "never ahead: from the answer");
        assertEquals(1_002_490L, clock.arrivalAt(sent + 2_500_000_000L));
        long now = clock.now();
        assertTrue(now >= 1_003_000L && now < 1_063_000L, "never behind: from the send, " + now);
    }

    /**
     * review5: a heartbeat answered after a 3.5 s stall put the clock 3.5 s ahead (counted from its
     * send), and a poll that arrived in time was judged late. Such a reading is not taken while a
     * closer one is recent; one as close as the last, or any once the last is old, is.
     */
    @Test
    void aReadingWhoseRoundTripSpannedAStallDoesNotReplaceACloserOne() {
        StoreClock clock = new StoreClock();
        long t = System.nanoTime();
        clock.read(1_000_000L, t, t + 2_000_000L);
        clock.read(1_004_000L, t + 500_000_000L, t + 4_000_000_000L); // sent, then 3.5 s of stall
        assertEquals(1_000_000L + 4_000, clock.arrivalAt(t + 4_002_000_000L), "the first reading still");
        clock.read(1_004_500L, t + 4_500_000_000L, t + 4_510_000_000L); // a short round trip again
        assertEquals(1_004_500L, clock.arrivalAt(t + 4_510_000_000L));
        clock.read(1_064_500L, t + 34_600_000_000L, t + 39_600_000_000L); // slow, but the last is old
        assertEquals(1_064_500L, clock.arrivalAt(t + 39_600_000_000L));
    }

    /**
     * Hosts' clocks may be a minute apart (the soak with skewed clocks reopened a polling session
     * through a claim stamped by a node's wall clock, and the expiry index's deadlines followed the
     * writers' clocks): every time the Redis engine writes or compares comes from {@link StoreClock}.
     */
    @Test
    void theRedisEngineReadsNoWallClockButItsStoreClock() throws IOException {
        Path sources = Path.of("src/main/java/io/wildcloud/ws/engine/redis");
        try (Stream<Path> files = Files.list(sources)) {
            List<String> readers = files.filter(file -> !file.endsWith("StoreClock.java"))
                    .filter(file -> read(file).contains("System.currentTimeMillis()"))
                    .map(file -> file.getFileName().toString()).sorted().toList();
            assertEquals(List.of(), readers, "engine classes reading the host's wall clock");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
