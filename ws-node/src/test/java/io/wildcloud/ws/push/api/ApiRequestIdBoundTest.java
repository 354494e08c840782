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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application's remembered request ids on the API's pipeline over the memory engine, bounded
 * to {@value #MAX_REQUEST_IDS} a window: past them a publish with a new request id gets 429
 * {@code too_many_request_ids} with a Retry-After (a batch: that result for each target that is
 * no repeat), a repeat of a remembered one is still answered as its first publish was, repeats are
 * not counted again, and another application and publishes without a request id go on. Without the
 * bound, every id-carrying publish was remembered (a few hundred bytes of the store for 5 minutes
 * each) whatever the count, charged only its message's bytes.
 */
class ApiRequestIdBoundTest {

    private static final int MAX_REQUEST_IDS = 3;
    private static final String ONE = response("200 OK", "{\"sessions\":1,\"queue_full\":0}");

    private final AtomicInteger refused = new AtomicInteger();
    private ApiTestBed bed;
    private EmbeddedChannel channel;
    private String demo;
    private String other;

    @BeforeEach
    void setUp() throws Exception {
        // Windows are fixed: a test crossing an edge would find its count reset (new ids taken again).
        long window = io.wildcloud.ws.push.SocketStore.REQUEST_ID_WINDOW.toMillis();
        long left = window - System.currentTimeMillis() % window;
        if (left < 10_000) {
            Thread.sleep(left + 100);
        }
        bed = new ApiTestBed(PushLimits.defaults().withMaxRequestIdsPerApplication(MAX_REQUEST_IDS), 64,
                new PushMetrics() {
                    @Override
                    public void published(PublishOutcome outcome, long nanos) {
                        if (outcome == PublishOutcome.TOO_MANY_REQUEST_IDS) {
                            refused.incrementAndGet();
                        }
                    }
                });
        channel = bed.channel();
        demo = bed.authorize("demo", "client-a");
        other = bed.authorize("other", "client-b");
        bed.openSession(demo, "s1");
        bed.openSession(demo, "s2");
        bed.openSession(other, "s1");
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish());
        bed.close();
    }

    private String publish(String secret, String socket, String session, String message, String requestId) {
        String raw = post("/publish/" + socket + "/" + session, "Bearer " + secret, "{\"message\":\"" + message + "\"}");
        return exchange(channel, requestId == null ? raw
                : raw.replace("Host: api\r\n", "Host: api\r\nIdempotency-Key: " + requestId + "\r\n"));
    }

    private String batch(String requestId, String... sessions) {
        StringBuilder targets = new StringBuilder();
        for (String session : sessions) {
            targets.append(targets.isEmpty() ? "" : ",").append("{\"socket_id\":\"").append(demo)
                    .append("\",\"session_id\":\"").append(session).append("\"}");
        }
        String raw = post("/publish", "Bearer " + SECRET, "{\"targets\":[" + targets + "],\"message\":\"b\"}");
        return exchange(channel, raw.replace("Host: api\r\n", "Host: api\r\nIdempotency-Key: " + requestId + "\r\n"));
    }

    @Test
    void pastItsRequestIdsAnApplicationsNewOnesAreRefusedAndItsRepeatsAnswered() throws Exception {
        assertEquals(ONE, publish(SECRET, demo, "s1", "one", "k1"));
        assertEquals(ONE, publish(SECRET, demo, "s1", "two", "k2"));
        for (int i = 0; i < 5; i++) {
            assertEquals(ONE, publish(SECRET, demo, "s1", "one", "k1"), "a repeat answers as the first did");
        }
        String first = batch("k3", "s1");
        assertTrue(first.startsWith("HTTP/1.1 200 OK") && first.contains("\"sessions\":1"),
                "the repeats were not counted: room for a third: " + first);

        // The bound reached: a batch repeating k3 for s1 and naming s2 anew.
        String partly = batch("k3", "s1", "s2");
        assertTrue(partly.startsWith("HTTP/1.1 200 OK"), partly);
        assertTrue(partly.contains("{\"socket_id\":\"" + demo + "\",\"session_id\":\"s1\",\"sessions\":1"),
                "the batch's repeat is answered: " + partly);
        assertTrue(partly.contains("\"session_id\":\"s2\",\"error\":\"too_many_request_ids\""),
                "the batch's new target is refused: " + partly);

        String single = publish(SECRET, demo, "s2", "new", "k4");
        assertTrue(single.startsWith("HTTP/1.1 429 Too Many Requests"), single);
        assertTrue(single.contains("\"error\":\"too_many_request_ids\""), single);
        Matcher retryAfter = Pattern.compile("(?i)retry-after: (\\d+)").matcher(single);
        assertTrue(retryAfter.find(), single);
        long seconds = Long.parseLong(retryAfter.group(1));
        assertTrue(seconds >= 1 && seconds <= 300, single);
        String wholeBatch = batch("k5", "s1", "s2");
        assertTrue(wholeBatch.startsWith("HTTP/1.1 429 Too Many Requests")
                && wholeBatch.contains("too_many_request_ids"), "no target a repeat: " + wholeBatch);

        assertEquals(ONE, publish(SECRET, demo, "s1", "two", "k2"), "a repeat is still answered");
        assertEquals(ONE, publish(SECRET, demo, "s2", "plain", null), "a publish without a request id goes on");
        assertEquals(ONE, publish(OTHER_SECRET, other, "s1", "theirs", "k4"), "another application's ids are its own");
        assertEquals(1 + 1 + 2, refused.get(), "ws.publish{outcome=too_many_request_ids}");
        assertEquals(List.of("one", "two", "b"), messages(bed.poll(demo, "s1")), "each delivered once");
        assertEquals(List.of("plain"), messages(bed.poll(demo, "s2")), "nothing refused was queued");
    }
}
