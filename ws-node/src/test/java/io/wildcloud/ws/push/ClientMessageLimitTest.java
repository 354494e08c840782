package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.testing.Waits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's client messages are bounded (README, "Client messages"): one frame of 32,768
 * messages, which is 64 KiB of {@code [0,0,...]}, must not become 32,768 callbacks to the
 * application, nor twenty 60 KB frames at once 1.2 MB of callbacks. On real sockets, with a real callback server counting what reaches it, through the
 * SockJS layer and the push service as {@link PushOverSockJsTest} wires them.
 */
class ClientMessageLimitTest {

    private PushOverSockJsRig rig;

    @BeforeEach
    void start() throws Exception {
        // Room for the 32,768 messages in one frame (65,537 bytes): the message limit must stop it, not the byte limit.
        rig = new PushOverSockJsRig(PushLimits.defaults().withMaxMessageBytes(128 * 1024));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private static final String CLOSE_FRAME = "c[4429,\"Too many messages: at most 100 a second, 500 at once\"]";

    /** {@code [0,0,...]}: {@code count} messages of one character each, in one frame. */
    private static String frameOf(int count) {
        return "[" + String.join(",", java.util.Collections.nCopies(count, "0")) + "]";
    }

    @Test
    void aWebsocketFrameOf32768MessagesIsRefusedWholeAndClosesTheSessionAfterALegitBurstPassed() throws Exception {
        String socket = rig.authorize("ws-flood");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = rig.openWebSocket(socket, "w1", frames);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));

        // What sockjs-client sends after a quick run of sends: one frame of what was buffered.
        ws.sendText(frameOf(200), true).get(10, TimeUnit.SECONDS);
        Waits.await(() -> rig.callbacks.received().size() == 200, () -> rig.callbacks.received().size() + " of 200 callbacks",
                Duration.ofSeconds(20));

        ws.sendText(frameOf(32_768), true).get(10, TimeUnit.SECONDS);
        assertEquals(CLOSE_FRAME, frames.poll(10, TimeUnit.SECONDS),
                "after " + rig.callbacks.received().size() + " callbacks");
        String end = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(end != null && end.startsWith("closed "), end);
        // Refused whole, before any of it was handed on: the callbacks are the legit burst's alone.
        assertEquals(200, rig.callbacks.received().size());
    }

    @Test
    void anXhrSendOrJsonpSendOf32768MessagesIsAnswered429AndClosesTheSession() throws Exception {
        String socket = rig.authorize("http-flood");
        String payload = frameOf(32_768);
        Map<String, HttpRequest.BodyPublisher> sends = new java.util.LinkedHashMap<>();
        sends.put("xhr_send", HttpRequest.BodyPublishers.ofString(payload));
        sends.put("jsonp_send", HttpRequest.BodyPublishers.ofString(
                "d=" + java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8)));
        for (Map.Entry<String, HttpRequest.BodyPublisher> send : sends.entrySet()) {
            String session = "s-" + send.getKey();
            assertEquals("o\n", rig.poll(socket, session));
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    rig.publicBase.resolve("/" + socket + "/000/" + session + "/" + send.getKey()))
                    .POST(send.getValue()).timeout(Duration.ofSeconds(20));
            if (send.getKey().equals("jsonp_send")) {
                request.header("Content-Type", "application/x-www-form-urlencoded");
            }
            HttpResponse<String> answer = rig.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, answer.statusCode(), send.getKey() + " after " + rig.callbacks.received().size()
                    + " callbacks: " + answer.body());
            assertTrue(answer.body().contains("too_many_messages") && answer.body().contains("500 at once"),
                    answer.body());
            assertEquals(CLOSE_FRAME + "\n", rig.poll(socket, session));
            assertEquals(0, rig.callbacks.received().size(), send.getKey());
        }
        // A session under the limit is not touched by the others' refusals.
        assertEquals("o\n", rig.poll(socket, "s-legit"));
        assertEquals(204, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s-legit/xhr_send"), frameOf(300))
                .statusCode());
        Waits.await(() -> rig.callbacks.received().size() == 300, () -> rig.callbacks.received().size() + " of 300 callbacks",
                Duration.ofSeconds(20));
    }

    private static final String BYTES_CLOSE_FRAME = "c[4429,\"Too many bytes: at most 65536 a second, 262144 at once\"]";
    /** One message of 60,000 characters: a frame of 60,004 bytes, four of which fit the default byte burst. */
    private static final String LARGE_FRAME = "[\"" + "x".repeat(60_000) + "\"]";

    /**
     * How many {@link #LARGE_FRAME}s the default byte budget (262,144 at once, 65,536 a second)
     * lets through in {@code elapsedNanos}: four at once, a fifth only after 0.58 s.
     */
    private static long largeFramesAllowed(long elapsedNanos) {
        return (long) ((262_144 + 65_536 * (elapsedNanos / 1e9)) / LARGE_FRAME.length());
    }

    /**
     * review5: a frame that carries no message ({@code []} padded with 60,000 spaces) was read and
     * parsed but took nothing from the byte budget (200 of them, 12 MB, went through one session).
     */
    @Test
    void framesCarryingNoMessageSpendTheByteBudgetToo() throws Exception {
        String socket = rig.authorize("ws-empty");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = rig.openWebSocket(socket, "w1", frames);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));
        String empty = "[" + " ".repeat(60_000) + "]";
        for (int i = 0; i < 20 && frames.isEmpty(); i++) {
            try {
                ws.sendText(empty, true).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException closed) {
                break; // the node closed the websocket
            }
        }
        assertEquals(BYTES_CLOSE_FRAME, frames.poll(10, TimeUnit.SECONDS));
        assertEquals(0, rig.callbacks.received().size());
    }

    /**
     * Each session starts with full message and byte budgets: a client that kept opening sessions
     * of its socket got around both (110 sessions in 3 s carried 8.8 MB/s of callbacks from one
     * socket). A socket's new sessions are bounded too; another socket's are not touched.
     */
    @Test
    void aSocketOpeningSessionAfterSessionIsRefusedPastTheNewSessionBurst() throws Exception {
        // A burst under sessions-per-socket (64, the default burst), so that the bound refuses, not the count.
        try (PushOverSockJsRig churned = new PushOverSockJsRig(PushLimits.defaults().withNewSessions(1, 16))) {
            refusedPastTheBurstOf16(churned);
        }
    }

    private static void refusedPastTheBurstOf16(PushOverSockJsRig rig) throws Exception {
        String socket = rig.authorize("churn");
        long started = System.nanoTime();
        int opened = 0;
        String refusal = null;
        for (int i = 0; i < 40 && refusal == null; i++) {
            String first = rig.poll(socket, "churn-" + i);
            if (first.equals("o\n")) {
                opened++;
            } else {
                refusal = first;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals("c[4429,\"Too many new sessions: at most 1 a second, 16 at once\"]\n", refusal,
                opened + " sessions opened in " + seconds + " s");
        assertTrue(opened >= 16 && opened <= 16 + Math.ceil(seconds), opened + " sessions opened in " + seconds + " s");
        assertEquals("o\n", rig.poll(rig.authorize("calm"), "calm-1"));
    }

    @Test
    void twentyLargeWebsocketFramesAtOnceStopAtTheByteBudgetAndCloseTheSession() throws Exception {
        String socket = rig.authorize("ws-bytes");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = rig.openWebSocket(socket, "w1", frames);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));

        // Few messages (20, far under the message burst of 500), but 1.2 MB of them at once.
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            try {
                ws.sendText(LARGE_FRAME, true).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                break; // the client closes its output once it hears the close: the rest is not sent
            }
        }
        assertEquals(BYTES_CLOSE_FRAME, frames.poll(10, TimeUnit.SECONDS),
                "after " + rig.callbacks.received().size() + " callbacks");
        long allowed = largeFramesAllowed(System.nanoTime() - start);
        String end = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(end != null && end.startsWith("closed "), end);
        // Each frame is handed on before the next is read, so what passed has reached the callbacks.
        int delivered = rig.callbacks.received().size();
        assertTrue(delivered >= 4 && delivered <= allowed, delivered + " callbacks; the budget allowed 4 to " + allowed);
    }

    @Test
    void largeXhrSendsStopAtTheByteBudgetWith429AndCloseTheSession() throws Exception {
        String socket = rig.authorize("xhr-bytes");
        assertEquals("o\n", rig.poll(socket, "s1"));
        java.net.URI send = rig.publicBase.resolve("/" + socket + "/000/s1/xhr_send");
        long start = System.nanoTime();
        int taken = 0;
        HttpResponse<String> answer = rig.send("POST", send, LARGE_FRAME);
        while (answer.statusCode() == 204 && taken < 20) {
            taken++;
            answer = rig.send("POST", send, LARGE_FRAME);
        }
        long allowed = largeFramesAllowed(System.nanoTime() - start);
        assertEquals(429, answer.statusCode(), "after " + taken + " sends taken: " + answer.body());
        assertTrue(answer.body().contains("\"too_many_bytes\"") && answer.body().contains("262144 at once"),
                answer.body());
        assertTrue(taken >= 4 && taken <= allowed, taken + " sends taken; the budget allowed 4 to " + allowed);
        assertEquals(BYTES_CLOSE_FRAME + "\n", rig.poll(socket, "s1"));
        // A send is answered once its callback took it: the refused one made none.
        assertEquals(taken, rig.callbacks.received().size());
    }

    @Test
    void aSendOverTheBurstToAMissingSessionIs404AsAnySendToOne() throws Exception {
        String socket = rig.authorize("missing");
        HttpResponse<String> answer = rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/nosuch/xhr_send"),
                frameOf(501));
        assertEquals(404, answer.statusCode(), answer.body());
        // Nothing was made of it: a poll opens a new session under that id.
        assertEquals("o\n", rig.poll(socket, "nosuch"));
    }
}
