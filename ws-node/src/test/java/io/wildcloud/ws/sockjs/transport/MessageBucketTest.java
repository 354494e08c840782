package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import org.junit.jupiter.api.Test;

class MessageBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFrameOverTheBurstIsRefusedWholeAndTheRateRefillsOverTime() {
        MessageBucket bucket = new MessageBucket(new ClientMessageLimit(100, 500), 0);
        assertFalse(bucket.tryTake(501, 0), "more than the burst, even into a full bucket");
        assertTrue(bucket.tryTake(500, 0), "a refused frame takes nothing");
        assertFalse(bucket.tryTake(1, 0));
        assertFalse(bucket.tryTake(101, SECOND), "one second refills 100");
        assertTrue(bucket.tryTake(100, SECOND));
        assertFalse(bucket.isFull(SECOND));
        assertTrue(bucket.isFull(SECOND + 5 * SECOND), "five seconds refill the burst");
        assertFalse(bucket.tryTake(501, 100 * SECOND), "never more than the burst however long it waited");
    }
}
