package io.wildcloud.ws.push.api;

import static io.wildcloud.ws.push.api.ApiTestBed.OTHER_SECRET;
import static io.wildcloud.ws.push.api.ApiTestBed.SECRET;
import static io.wildcloud.ws.push.api.ApiTestBed.exchange;
import static io.wildcloud.ws.push.api.ApiTestBed.messages;
import static io.wildcloud.ws.push.api.ApiTestBed.post;
import static io.wildcloud.ws.push.api.ApiTestBed.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.PushMetrics;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each application's publish budget on the API's pipeline over the memory engine: a budget of
 * {@value #BURST} bytes at once refilled at 1 byte a second (so nothing refills within the test),
 * sockets of at most {@value #SESSIONS_PER_SOCKET} sessions. An application in debt gets 429 on
 * every publish, single or batch, while another application, and publishes without a bearer token,
 * go on; a batch that could queue more than the burst gets 413 even with a full budget.
 */
class ApiPublishBudgetTest {

    private static final int BURST = 500;
    private static final int SESSIONS_PER_SOCKET = 4;
    /** 50 bytes: a publish to a socket reserves 200, and queues 100 into its two sessions. */
    private static final String MESSAGE = "m".repeat(50);
    private static final String PUBLISHED = response("200 OK", "{\"sessions\":2,\"queue_full\":0}");
    private static final String OVER_BUDGET = "{\"error\":\"too_many_publish_bytes\",\"message\":\"Application demo has"
            + " queued more than its budget on this node allows: at most 1 bytes a second, 500 at once (a message's"
            + " UTF-8 bytes times the sessions that take it; max-application-publish-bytes-per-second,"
            + " application-publish-byte-burst). Nothing was published: retry after Retry-After seconds, publish"
            + " fewer or smaller messages to fewer sessions, or ask the operators to raise the budget.\"}";

    private final AtomicInteger refused = new AtomicInteger();
    private ApiTestBed bed;
    private EmbeddedChannel channel;
    private String demo;
    private String other;

    @BeforeEach
    void setUp() throws Exception {
        bed = new ApiTestBed(PushLimits.defaults().withMaxSessionsPerSocket(SESSIONS_PER_SOCKET)
                .withPublishBytes(1, BURST), 64, new PushMetrics() {
                    @Override
                    public void published(PublishOutcome outcome, long nanos) {
                        if (outcome == PublishOutcome.OVER_BUDGET) {
                            refused.incrementAndGet();
                        }
                    }
                });
        channel = bed.channel();
        demo = bed.authorize("demo", "client-a");
        other = bed.authorize("other", "client-b");
        for (String socket : new String[] {demo, other}) {
            bed.openSession(socket, "s1");
            bed.openSession(socket, "s2");
        }
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish());
        bed.close();
    }

    private String publish(String path, String secret, String body) {
        return exchange(channel, secret == null ? post(path, body) : post(path, "Bearer " + secret, body));
    }

    private String toDemo(String secret) {
        return publish("/publish/" + demo, secret, "{\"message\":\"" + MESSAGE + "\"}");
    }

    @Test
    void anApplicationInDebtIsRefusedWhileTheOthersPublish() throws Exception {
        // 500 held: each publish reserves 200 and keeps 100, so the sixth or seventh takes it into debt.
        int published = 0;
        String answer;
        while ((answer = toDemo(SECRET)).equals(PUBLISHED)) {
            published++;
            assertTrue(published <= 7, "still publishing after " + published + " publishes of 100 bytes");
        }
        assertTrue(published >= 5, "refused after " + published + " publishes: " + answer);
        assertTooManyBytes(answer);

        // Single publishes to a session and batches of the application in debt are refused too.
        assertTooManyBytes(publish("/publish/" + demo + "/s1", SECRET, "{\"message\":\"one\"}"));
        assertTooManyBytes(publish("/publish", SECRET, "{\"targets\":[{\"socket_id\":\"" + demo + "\"}],"
                + "\"message\":\"batch\"}"));
        assertEquals(3, refused.get(), "ws.publish{outcome=over_budget}");
        assertEquals(published, messages(bed.poll(demo, "s1")).size(), "nothing refused was queued");

        // The other application, and publishes without a bearer token, have budgets of their own.
        assertEquals(PUBLISHED, publish("/publish/" + other, OTHER_SECRET, "{\"message\":\"" + MESSAGE + "\"}"));
        assertEquals(response("200 OK", "{\"sessions\":3,\"queue_full\":0,\"failed\":0,\"results\":["
                + "{\"socket_id\":\"" + other + "\",\"sessions\":2,\"queue_full\":0},"
                + "{\"socket_id\":\"" + other + "\",\"session_id\":\"s1\",\"sessions\":1,\"queue_full\":0}]}"),
                publish("/publish", OTHER_SECRET, "{\"messages\":[{\"socket_id\":\"" + other + "\",\"message\":\"a\"},"
                        + "{\"socket_id\":\"" + other + "\",\"session_id\":\"s1\",\"message\":\"b\"}]}"));
        assertEquals(PUBLISHED, toDemo(null));
        assertEquals(3, refused.get());
    }

    @Test
    void aBatchThatCouldQueueMoreThanTheBurstIsRefusedWholeBeforeTheStore() throws Exception {
        // Three sockets of up to 4 sessions: 50 x 4 x 3 = 600 bytes could be queued, over 500.
        String third = bed.authorize("demo", "client-c");
        String body = "{\"targets\":[{\"socket_id\":\"" + demo + "\"},{\"socket_id\":\"" + third + "\"},"
                + "{\"socket_id\":\"" + demo + "\",\"session_id\":\"s1\"},{\"socket_id\":\"" + other + "\"}],"
                + "\"message\":\"" + MESSAGE + "\"}";
        String tooLarge = response("413 Request Entity Too Large", "{\"error\":\"fan_out_too_large\",\"message\":"
                + "\"This publish could queue 650 bytes (each message's UTF-8 bytes times every session it addresses:"
                + " 4 for a socket, the node's sessions-per-socket), more than an application may queue at once on"
                + " a node (500, application-publish-byte-burst). Nothing was published: split the batch, or name"
                + " sessions instead of whole sockets.\"}");
        assertEquals(tooLarge, publish("/publish", SECRET, body));
        assertEquals(tooLarge, publish("/publish", null, body));
        assertEquals(2 * 4, refused.get(), "each publishable target counted");
        assertEquals(0, messages(bed.poll(demo, "s1")).size(), "nothing was queued");
        // The budget was not touched: the whole of it is there for a batch that fits.
        String fits = "{\"targets\":[{\"socket_id\":\"" + demo + "\"},{\"socket_id\":\"" + third + "\"}],"
                + "\"message\":\"" + MESSAGE + "\"}";
        for (int i = 0; i < 3; i++) {
            assertTrue(publish("/publish", SECRET, fits).startsWith("HTTP/1.1 200 OK"), "batch " + i);
        }
    }

    @Test
    void publishesWithoutABearerTokenInDebtAreToldHowToGetABudgetOfTheirOwn() throws Exception {
        // Any caller without a token spends the one budget they all share (api-require-auth=false).
        String answer;
        int published = 0;
        while ((answer = toDemo(null)).equals(PUBLISHED)) {
            published++;
            assertTrue(published <= 7, "still publishing after " + published + " publishes of 100 bytes");
        }
        assertTrue(answer.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), answer);
        assertTrue(answer.contains("\"message\":\"Publishes without a bearer token (they share one budget, whichever"
                + " application sends them: send Authorization: Bearer <your application's secret> for a budget of"
                + " its own) have queued more than its budget"), answer);
        // And it works: the same publish with the application's token is charged to its own budget.
        assertEquals(PUBLISHED, toDemo(SECRET));
    }

    private static void assertTooManyBytes(String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n" + OVER_BUDGET), answer);
        int at = answer.indexOf("retry-after: ");
        assertTrue(at > 0, answer);
        long seconds = Long.parseLong(answer.substring(at + "retry-after: ".length(), answer.indexOf('\r', at)));
        // At 1 byte a second, the debt (at most one reservation of 200) takes up to 200 s to repay.
        assertTrue(seconds >= 1 && seconds <= 201, "Retry-After " + seconds);
    }
}
