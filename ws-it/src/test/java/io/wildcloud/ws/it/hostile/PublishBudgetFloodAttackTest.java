package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tenant publishes 60 KiB messages flat out to a socket of 10 sessions that never read, into the
 * Redis every tenant shares. Bounded per queue alone, its 10 queues took 40 MiB
 * ({@link QueuedBytesFloodAttackTest}); and a socket could have 64 of them, a batch 1000 sockets.
 * Its publish budget (here 8 MiB at once, 1 MiB a second) refuses it with 429 once spent, while the
 * demo application's clients are served throughout.
 */
class PublishBudgetFloodAttackTest {

    private static final String TENANT_SECRET = "flooding-tenant-secret-0123";
    private static final int SESSIONS = 10;
    private static final int MAX_PUBLISHES = 200;
    private static final int MESSAGE_BYTES = 60 * 1024;
    private static final long BURST = 8L << 20;
    private static final long PER_SECOND = 1L << 20;
    /** What one publish may reserve: the message to a socket's 64 sessions. */
    private static final long WORST_CASE = 64L * MESSAGE_BYTES;

    @Test
    void aTenantOverItsPublishBudgetIsRefusedAndOthersAreServed() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                HostileNode node = HostileNode.start("publish-budget-flood", "--redis-url=" + redis.url(),
                        "--disconnect-delay=60s", "--applications=tenant:" + TENANT_SECRET,
                        "--application-publish-byte-burst=" + BURST,
                        "--max-application-publish-bytes-per-second=" + PER_SECOND)) {
            Http http = new Http(Duration.ofSeconds(10));
            RawResponse authorized = http.post(node.apiUrl() + "/authorize/" + TENANT_SECRET + "/flooder",
                    "{\"callback\": \"http://flooder.invalid/callback\"}");
            String socket = authorized.bodyText().replaceAll(".*\"socket_id\":\"([^\"]+)\".*", "$1");
            for (int i = 0; i < SESSIONS; i++) {
                assertEquals("o\n", http.post(node.publicUrl() + "/" + socket + "/000/f" + i + "/xhr").bodyText());
            }
            String body = "{\"message\": \"" + "m".repeat(MESSAGE_BYTES) + "\"}";
            long start = redis.usedMemory();
            long started = System.nanoTime();
            int accepted = 0;
            long sessionsReached = 0;
            int refused = 0;
            for (int i = 0; i < MAX_PUBLISHES && System.nanoTime() - started < Duration.ofSeconds(30).toNanos(); i++) {
                RawResponse answer = http.post(node.apiUrl() + "/publish/" + socket, body,
                        "Authorization", "Bearer " + TENANT_SECRET);
                if (answer.status() == 200) {
                    accepted++;
                    sessionsReached += Long.parseLong(answer.bodyText().replaceAll(".*\"sessions\":([0-9]+).*", "$1"));
                } else {
                    assertEquals(429, answer.status(), answer.bodyText());
                    assertTrue(answer.bodyText().contains("\"too_many_publish_bytes\""), answer.bodyText());
                    assertTrue(Long.parseLong(answer.header("Retry-After")) >= 1, answer.toString());
                    refused++;
                    if (refused % 20 == 1) {
                        node.assertNormalSessionsWork("while the tenant is refused");
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long queued = sessionsReached * MESSAGE_BYTES;
            long grown = redis.usedMemory() - start;
            System.out.println("in " + String.format("%.1f", seconds) + " s the tenant got " + accepted + " publishes of "
                    + (MESSAGE_BYTES >> 10) + " KiB to " + SESSIONS + " sessions through (" + (queued >> 20)
                    + " MiB queued), " + refused + " refused; Redis grew " + (grown >> 20) + " MiB");
            assertTrue(refused > 0, "the tenant was never refused: " + accepted + " publishes queued " + (queued >> 20)
                    + " MiB");
            // The bucket, what refilled meanwhile, and one reservation taken while it was not yet in debt.
            long bound = BURST + (long) (seconds * PER_SECOND) + WORST_CASE;
            assertTrue(queued <= bound, (queued >> 20) + " MiB queued, over " + (bound >> 20) + " MiB");
            assertTrue(grown < bound * 5 / 4, "Redis grew " + (grown >> 20) + " MiB");
        }
    }
}
