package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /metrics} of a node on the memory engine. */
class MetricsEndpointTest extends NodeMetricsFlow {

    @Override
    List<String> engineFlags() {
        return List.of();
    }

    @Test
    void sessionPublishesAndCallbacksShowInMetrics() throws Exception {
        startNode();
        super.sessionPublishesAndCallbacksShowInMetrics();
        PrometheusScrape after = scrape();
        assertFalse(after.has("ws_redis_command_seconds_count"), "no Redis meters without Redis");
        assertFalse(after.has("ws_callback_latency_seconds_bucket"), "no percentile histograms by default");
    }

    @Test
    void aPipelinedScrapeIsAnsweredBetweenThePublishesAroundItAndCountsTheOneBefore() throws Exception {
        startNode();
        String socket = authorize("pipelined");
        String publish = "POST /publish/" + socket + " HTTP/1.1\r\nHost: n\r\nContent-Type: application/json\r\n"
                + "Content-Length: 15\r\n\r\n{\"message\":\"m\"}";
        try (Socket connection = new Socket("127.0.0.1", node.apiPort())) {
            connection.setSoTimeout(10_000);
            connection.getOutputStream().write((publish + "GET /metrics HTTP/1.1\r\nHost: n\r\n\r\n" + publish)
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = connection.getInputStream();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(readResponse(in));
            }
            assertTrue(answers.get(0).contains("application/json"), "the first publish first: " + answers.get(0));
            assertTrue(answers.get(1).contains("text/plain"), "the scrape second: " + answers.get(1));
            assertTrue(answers.get(2).contains("application/json"), "the second publish last: " + answers.get(2));
            PrometheusScrape between = new PrometheusScrape(answers.get(1).substring(answers.get(1).indexOf("\r\n\r\n") + 4));
            double published = between.value("ws_publish_seconds_count", "outcome=ok")
                    + between.value("ws_publish_seconds_count", "outcome=not_found");
            assertEquals(1, published, "the scrape counts the publish before it, not the one after");
        }
    }

    /** One response, head and body (by its Content-Length), as ASCII/UTF-8 text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
