package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 pipelining on the public port (attack5): a client writes its next requests before the
 * first is answered. RFC 9112 9.3.2 wants the answers in the order of the requests; the node runs
 * each request as it is decoded, so a held poll lets the requests behind it run and answer first,
 * one connection holds as many polls as it pipelines (up to Netty's 128), and a request behind a
 * stream makes the encoder throw, logged as a WARN with a ~60-line stack trace per connection.
 * Found on main at 003fdcd: /info answered at 0.0 s, the poll before it at 25 s; 60 polls held
 * on one connection; 200 stream-plus-request connections logged 1.2 MB in 15 s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelinedRequestsAttackTest {

    /** What 50 refused connections may log: the client-error rate limit's lines, not a trace each. */
    private static final long LOG_BOUND_BYTES = 16 * 1024;

    private static HostileNode node;
    /** A socket of each test's own: its sessions count against no other test's 64. */
    private final String socket = node.authorize("pipeliner-" + UUID.randomUUID());

    @BeforeAll
    static void start() {
        // A short heartbeat: a held poll answers h after 2 s instead of 25. A test's socket opens its
        // 20-25 sessions at once, past the default new-session burst (16) that came after this test.
        node = HostileNode.start("hostile-pipelining", "--heartbeat-interval=2s", "--new-session-burst=32");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aRequestBehindAHeldPollIsNotAnsweredBeforeThePoll() throws Exception {
        String session = openSession("order");
        try (Socket connection = HostileNode.attackerSocket(node.node().publicPort())) {
            write(connection, poll(session) + info());
            String answers = readAnswers(connection, 2, Duration.ofSeconds(6));
            int firstHead = answers.indexOf("HTTP/1.1 ");
            assertTrue(firstHead >= 0, "no answer within 6 s: " + answers);
            // The poll's answer (its h frame, application/javascript) must come first; /info's JSON came at once.
            String firstAnswer = answers.substring(firstHead, Math.min(answers.length(), firstHead + 300));
            assertTrue(firstAnswer.contains("application/javascript"),
                    "the first answer on the connection is not the held poll's:\n" + firstAnswer);
        }
    }

    @Test
    void oneConnectionHoldsAtMostOnePoll() throws Exception {
        StringBuilder polls = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            polls.append(poll(openSession("held" + i)));
        }
        double before = node.metric("ws_sessions_open", "transport=\"xhr\"");
        try (Socket connection = HostileNode.attackerSocket(node.node().publicPort())) {
            write(connection, polls.toString());
            Thread.sleep(1_000);
            double held = node.metric("ws_sessions_open", "transport=\"xhr\"") - before;
            // Connection caps count connections: a connection that holds 128 polls is 128 of them.
            assertTrue(held <= 1, "one connection holds " + held + " polls at once");
        }
    }

    @Test
    void requestsPipelinedBehindStreamsAndHeldPollsLogNoStackTraces() throws Exception {
        long logBefore = node.logBytes();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            sessions.add(openSession("behind" + i));
        }
        node.assertSurvives(Duration.ofMillis(500), () -> {
            for (int i = 0; i < 50; i++) {
                String session = sessions.get(i % sessions.size());
                // A stream, then any request: the encoder throws at the second answer's head.
                // A held poll, then 130 requests: Netty's decoder throws past 128 in flight.
                String requests = i % 2 == 0
                        ? "POST /" + socket + "/000/" + session + "s/xhr_streaming HTTP/1.1\r\nHost: node\r\n"
                                + "Content-Length: 0\r\n\r\n" + info()
                        : poll(session) + info().repeat(130);
                try (Socket connection = HostileNode.attackerSocket(node.node().publicPort())) {
                    write(connection, requests);
                    readAnswers(connection, Integer.MAX_VALUE, Duration.ofMillis(500));
                }
            }
        });
        long logged = node.logBytes() - logBefore;
        assertTrue(logged < LOG_BOUND_BYTES, "50 pipelining connections logged " + logged + " bytes");
    }

    /** Opens an xhr-polling session of the test's socket and answers its id. */
    private String openSession(String name) {
        assertEquals("o\n", new Http(Duration.ofSeconds(5))
                .post(node.publicUrl() + "/" + socket + "/000/" + name + "/xhr").bodyText());
        return name;
    }

    private String poll(String session) {
        return "POST /" + socket + "/000/" + session + "/xhr HTTP/1.1\r\nHost: node\r\nContent-Length: 0\r\n\r\n";
    }

    private String info() {
        return "GET /" + socket + "/info HTTP/1.1\r\nHost: node\r\n\r\n";
    }

    private static void write(Socket connection, String requests) throws IOException {
        connection.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
        connection.getOutputStream().flush();
    }

    /** What came until {@code answers} status lines were in, the server closed, or {@code within} passed. */
    private static String readAnswers(Socket connection, int answers, Duration within) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + within.toNanos();
        InputStream in = connection.getInputStream();
        byte[] buffer = new byte[16 * 1024];
        while (System.nanoTime() < deadline && received.size() < 1 << 20) {
            connection.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                received.write(buffer, 0, read);
                if (received.toString(StandardCharsets.ISO_8859_1).split("HTTP/1\\.1 ", -1).length - 1 >= answers) {
                    break;
                }
            } catch (SocketTimeoutException timeUp) {
                break;
            } catch (IOException reset) {
                break;
            }
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
