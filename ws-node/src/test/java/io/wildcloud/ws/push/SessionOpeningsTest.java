package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionOpeningsTest {

    @Test
    void aSocketOpensItsBurstAtOnceThenAtTheRate() {
        SessionOpenings openings = new SessionOpenings(1, 3);
        long now = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertTrue(openings.tryOpen("s", now), "opening " + (i + 1));
        }
        assertFalse(openings.tryOpen("s", now + 999_000_000L));
        assertTrue(openings.tryOpen("other", now), "another socket has a bucket of its own");
        assertTrue(openings.tryOpen("s", now + 1_000_000_000L), "one more a second later");
        assertFalse(openings.tryOpen("s", now + 1_000_000_000L));
    }

    @Test
    void theNodeKeepsAtMostItsBoundOfBuckets() {
        SessionOpenings openings = new SessionOpenings(1, 2);
        for (int i = 0; i < SessionOpenings.MAX_SOCKETS + 5_000; i++) {
            openings.tryOpen("socket-" + i);
        }
        assertTrue(openings.size() <= SessionOpenings.MAX_SOCKETS, openings.size() + " buckets");
    }
}
