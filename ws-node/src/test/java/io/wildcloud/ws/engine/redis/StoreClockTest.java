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
    void itCountsFromItsLastReadingOnTheMonotonicClock() {
        StoreClock clock = new StoreClock();
        long sent = System.nanoTime();
        clock.read(1_000_000L, sent);
        assertEquals(1_000_000L, clock.at(sent));
        assertEquals(1_002_500L, clock.at(sent + 2_500_000_000L));
        assertEquals(999_000L, clock.at(sent - 1_000_000_000L), "an arrival before the reading");
        long now = clock.now();
        assertTrue(now >= 1_000_000L && now < 1_060_000L, String.valueOf(now));
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
