package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * A batch publish that names one socket many times (attack5). Each entry is published in order,
 * as a single publish would be, so on Redis each one copies the message into every session's
 * queue again: 200 entries for one socket of 10 sessions and a 60 KiB message (a 75 KB request)
 * wrote 125 MB into Redis in 0.32 s at 003fdcd; the bounds (1000 targets, 64 sessions a socket,
 * 1024 queued messages a session) let one 115 KB request write ~4 GB, which fills a Redis that
 * every node and every application shares (507 store_full for all, or the host's OOM killer).
 * The memory engine shares one string among the queues: no growth there. Now a target reaching a
 * session an earlier one reaches is answered {@code duplicate_target} and not published again.
 */
class BatchPublishAmplificationAttackTest {

    private static final int SESSIONS = 10;
    private static final int DUPLICATES = 200;

    @Test
    void aBatchNamingOneSocketManyTimesCostsRedisNoMoreThanNamingItOnce() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                HostileNode node = HostileNode.start("batch-amplification", "--redis-url=" + redis.url(),
                        "--disconnect-delay=60s")) {
            Http http = new Http(Duration.ofSeconds(10));
            String socket = node.authorize("amplifier");
            for (int i = 0; i < SESSIONS; i++) {
                assertEquals("o\n", http.post(node.publicUrl() + "/" + socket + "/000/amp" + i + "/xhr").bodyText());
            }
            String message = "m".repeat(60 * 1024);
            long start = redis.usedMemory();
            RawResponse once = http.post(node.apiUrl() + "/publish", batch(socket, 1, message));
            assertEquals(200, once.status(), once.bodyText());
            long namedOnce = redis.usedMemory() - start;

            String body = batch(socket, DUPLICATES, message);
            RawResponse many = http.post(node.apiUrl() + "/publish", body);
            long namedMany = redis.usedMemory() - start - namedOnce;
            System.out.println("Redis grew " + (namedOnce >> 10) + " KiB for the socket named once, "
                    + (namedMany >> 10) + " KiB for it named " + DUPLICATES + " times in a " + body.length()
                    + "-byte request (answered " + many.status() + ")");
            assertTrue(many.status() >= 400 || namedMany <= 2 * namedOnce + (1 << 20),
                    "one " + body.length() + "-byte batch grew Redis by " + (namedMany >> 20) + " MiB (naming the socket"
                            + " once: " + (namedOnce >> 10) + " KiB); answered " + many.status());
            assertEquals(DUPLICATES - 1, many.bodyText().split("\"duplicate_target\"", -1).length - 1, many.bodyText());
        }
    }

    private static String batch(String socket, int times, String message) {
        String target = "{\"socket_id\": \"" + socket + "\"}";
        return "{\"targets\": [" + String.join(",", Collections.nCopies(times, target)) + "], \"message\": \""
                + message + "\"}";
    }
}
