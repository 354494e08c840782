package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows 6 and 7 of issue 13: malformed percent-escapes and requests the HTTP decoder cannot parse
 * (headers of 64 KiB and 1 MiB, a bad request line, a bad chunk), on every handler of both ports.
 * Before: {@code GET /%ZZ} got no answer and 30 log lines; oversized headers to /health, /metrics
 * and the client script got 200 with the connection left open. Each must get a 400 (431 for
 * headers) with {@code Connection: close}, the connection must end, and the log stay small.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedRequestAttackTest {

    /** 1000 refusals may log this much: the rate limit's lines and a summary, far from 30 lines each. */
    private static final long LOG_BOUND_BYTES = 16 * 1024;

    private static HostileNode node;

    @BeforeAll
    static void start() {
        node = HostileNode.start("hostile-malformed");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void thousandMalformedEscapesEachGet400AndTheLogStaysSmall() throws Exception {
        int publicPort = node.node().publicPort();
        int apiPort = node.node().apiPort();
        long logBefore = node.logBytes();
        List<String> wrong = new ArrayList<>();
        node.assertSurvives(Duration.ofMillis(500), () -> {
            for (int i = 0; i < 1000; i++) {
                int port = i % 5 == 4 ? apiPort : publicPort;
                String target = i % 5 == 1 ? "/x/000/%ZZ/xhr" : i % 5 == 2 ? "/health/%G1" : "/%ZZ";
                RawExchange answer = RawExchange.send(port, RawExchange.ascii(
                        "GET " + target + " HTTP/1.1\r\nHost: node\r\n\r\n"));
                if (answer.status() != 400 || !answer.saysClose() || !answer.closed()) {
                    wrong.add(port + " " + target + ": " + answer);
                }
            }
        });
        assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " of 1000 answered wrongly");
        long logged = node.logBytes() - logBefore;
        assertTrue(logged < LOG_BOUND_BYTES, "1000 malformed requests logged " + logged + " bytes");
    }

    @Test
    void undecodableRequestsGet400Or431AndCloseOnEveryHandler() throws Exception {
        int publicPort = node.node().publicPort();
        int apiPort = node.node().apiPort();
        List<String> wrong = new ArrayList<>();
        node.assertSurvives(Duration.ofMillis(200), () -> {
            for (int headerBytes : new int[] {64 * 1024, 1024 * 1024}) {
                String header = "X-Big: " + "a".repeat(headerBytes) + "\r\n";
                for (Object[] target : new Object[][] {
                        {publicPort, "/health"}, {apiPort, "/health"}, {apiPort, "/metrics"},
                        {publicPort, "/sockjs-client/sockjs.min.js"}, {publicPort, "/x/000/y/xhr"}}) {
                    RawExchange answer = RawExchange.send((int) target[0], RawExchange.ascii(
                            "GET " + target[1] + " HTTP/1.1\r\nHost: node\r\n" + header + "\r\n"));
                    check(wrong, headerBytes + " B header to " + target[1], answer, 431);
                }
            }
            for (int port : new int[] {publicPort, apiPort}) {
                check(wrong, "bad request line", RawExchange.send(port, RawExchange.ascii(
                        "GET /health HTTP/9.Z\r\nHost: node\r\n\r\n")), 400);
                check(wrong, "bad chunk", RawExchange.send(port, RawExchange.ascii(
                        "POST /x/000/y/xhr_send HTTP/1.1\r\nHost: node\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")), 400);
            }
        });
        assertEquals(List.of(), wrong);
    }

    private static void check(List<String> wrong, String what, RawExchange answer, int status) {
        if (answer.status() != status || !answer.saysClose() || !answer.closed()) {
            wrong.add(what + ": " + answer);
        }
    }
}
