package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tenant fills the Redis every tenant shares with big messages to sessions that do not read: 10
 * sessions of one socket opened and never polled, and publishes of 60 KiB to all of them. Bounded
 * by count alone (1024 messages) each queue took 60 MiB; max-queued-bytes (4 MiB) refuses the
 * 69th: 40 MiB for the 10, not 120 MiB for the 200 publishes this makes.
 */
class QueuedBytesFloodAttackTest {

    private static final int SESSIONS = 10;
    private static final int PUBLISHES = 200;
    private static final int MESSAGE_BYTES = 60 * 1024;
    private static final long MAX_QUEUED_BYTES = 4L << 20;

    @Test
    void sessionsThatDoNotReadHoldAtMostTheirByteBoundInRedis() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                HostileNode node = HostileNode.start("queued-bytes-flood", "--redis-url=" + redis.url(),
                        "--disconnect-delay=60s")) {
            Http http = new Http(Duration.ofSeconds(10));
            String socket = node.authorize("flooder");
            for (int i = 0; i < SESSIONS; i++) {
                assertEquals("o\n", http.post(node.publicUrl() + "/" + socket + "/000/q" + i + "/xhr").bodyText());
            }
            String body = "{\"message\": \"" + "m".repeat(MESSAGE_BYTES) + "\"}";
            long start = redis.usedMemory();
            int accepted = 0;
            for (int i = 0; i < PUBLISHES; i++) {
                RawResponse answer = http.post(node.apiUrl() + "/publish/" + socket, body);
                if (answer.bodyText().contains("\"sessions\":" + SESSIONS + ",")) {
                    accepted++;
                } else {
                    assertTrue(answer.bodyText().contains("queue_full"), answer.status() + " " + answer.bodyText());
                }
            }
            long grown = redis.usedMemory() - start;
            System.out.println("Redis grew " + (grown >> 20) + " MiB for " + PUBLISHES + " publishes of "
                    + (MESSAGE_BYTES >> 10) + " KiB to " + SESSIONS + " sessions that do not read; "
                    + accepted + " were queued");
            assertEquals(MAX_QUEUED_BYTES / MESSAGE_BYTES, accepted, "publishes queued before the byte bound");
            assertTrue(grown < SESSIONS * MAX_QUEUED_BYTES * 5 / 4, "Redis grew " + (grown >> 20) + " MiB");
        }
    }
}
