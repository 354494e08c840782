package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    @Test
    void openingsSetAsideBeforeTheStoreCountAgainstTheBurstAtOnce() {
        // Websockets arriving together: each sets its opening aside before any session is created.
        SessionOpenings openings = new SessionOpenings(1, 3);
        long now = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertTrue(openings.reserve("s", now), "opening " + (i + 1));
        }
        assertFalse(openings.reserve("s", now), "a fourth before any was created");
        assertEquals(0, openings.size(), "no bucket before a session is created");
        // One was not created: its opening is free again.
        openings.giveBack("s");
        assertTrue(openings.reserve("s", now));
        // Created: each takes its set-aside opening, not one more.
        for (int i = 0; i < 3; i++) {
            assertTrue(openings.tryOpen("s", now), "created " + (i + 1));
        }
        assertEquals(0, openings.reservedSockets());
        assertFalse(openings.reserve("s", now), "the burst is spent");
        assertFalse(openings.tryOpen("s", now));
        assertTrue(openings.reserve("s", now + 1_000_000_000L), "one a second later");
    }

    @Test
    void openingsSetAsideForUnknownSocketsLeaveNothingBehind() {
        SessionOpenings openings = new SessionOpenings(1, 2);
        for (int i = 0; i < SessionOpenings.MAX_SOCKETS + 5_000; i++) {
            assertTrue(openings.reserve("unknown-" + i));
            openings.giveBack("unknown-" + i);
        }
        assertEquals(0, openings.size(), "buckets");
        assertEquals(0, openings.reservedSockets(), "sockets with openings set aside");
    }
}
