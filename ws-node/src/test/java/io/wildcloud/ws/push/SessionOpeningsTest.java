package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionOpeningsTest {

    @Test
    void aSocketOpensItsBurstAtOnceThenAtTheRate() throws Exception {
        SessionOpenings openings = new SessionOpenings(1, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(openings.tryOpen("s"), "opening " + (i + 1));
        }
        assertFalse(openings.tryOpen("s"));
        assertTrue(openings.tryOpen("other"), "another socket has a bucket of its own");
        Thread.sleep(1_100);
        assertTrue(openings.tryOpen("s"), "one more a second later");
        assertFalse(openings.tryOpen("s"));
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
