package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.ClientMessageLimit.Exceeded;
import org.junit.jupiter.api.Test;

class MessageBucketTest {

    private static final long SECOND = 1_000_000_000L;
    /** Frames small enough for the byte dimension never to matter. */
    private static final int FEW_BYTES = 10;

    @Test
    void aFrameOverTheBurstIsRefusedWholeAndTheRateRefillsOverTime() {
        MessageBucket bucket = new MessageBucket(new ClientMessageLimit(100, 500, 65_536, 262_144), 0);
        assertEquals(Exceeded.MESSAGES, bucket.tryTake(501, FEW_BYTES, 0), "more than the burst, even into a full bucket");
        assertNull(bucket.tryTake(500, FEW_BYTES, 0), "a refused frame takes nothing");
        assertEquals(Exceeded.MESSAGES, bucket.tryTake(1, FEW_BYTES, 0));
        assertEquals(Exceeded.MESSAGES, bucket.tryTake(101, FEW_BYTES, SECOND), "one second refills 100");
        assertNull(bucket.tryTake(100, FEW_BYTES, SECOND));
        assertFalse(bucket.isFull(SECOND));
        assertTrue(bucket.isFull(SECOND + 5 * SECOND), "five seconds refill the burst");
        assertEquals(Exceeded.MESSAGES, bucket.tryTake(501, FEW_BYTES, 100 * SECOND),
                "never more than the burst however long it waited");
    }

    @Test
    void aFrameOverTheByteBurstIsRefusedWholeAndTheByteRateRefillsOverTime() {
        MessageBucket bucket = new MessageBucket(new ClientMessageLimit(100, 500, 1000, 4000), 0);
        assertEquals(Exceeded.BYTES, bucket.tryTake(1, 4001, 0), "more bytes than the burst, even into a full bucket");
        for (int frame = 0; frame < 4; frame++) {
            assertNull(bucket.tryTake(1, 1000, 0), "frame " + frame + ": a refused frame takes nothing");
        }
        assertEquals(Exceeded.BYTES, bucket.tryTake(1, 1, 0), "few messages, but no bytes left");
        assertEquals(Exceeded.BYTES, bucket.tryTake(1, 1001, SECOND), "one second refills 1000 bytes");
        assertNull(bucket.tryTake(1, 1000, SECOND), "the refused frame took no message either");
        assertFalse(bucket.isFull(2 * SECOND), "bytes refill in 4 s, messages are back in 1 s: not full yet");
        assertTrue(bucket.isFull(5 * SECOND), "full once both dimensions are");
        assertEquals(Exceeded.MESSAGES, bucket.tryTake(501, 5000, 5 * SECOND), "messages are checked first");
    }
}
