package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push service behind the real SockJS layer on real sockets: the public port with
 * {@link SockJsHandler} and {@link PushModule#resolver()}, the API port as {@link PushModule}
 * wires it, and a real callback server. xhr-polling stands for every transport here (ws-it runs
 * them all); what this checks is the service's side of the contract.
 */
class PushOverSockJsTest {

    private PushOverSockJsRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new PushOverSockJsRig(PushLimits.defaults().withMaxSessionsPerSocket(2).withMaxMessageBytes(1000));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void anXhrSendToASessionWhoseSocketIsGoneIsDroppedAndClosesTheSession() throws Exception {
        String socket = rig.authorize("gone");
        assertEquals("o\n", rig.poll(socket, "s1"));
        // Gone from the store as by expiry: nothing closed the session.
        assertTrue(rig.sockets.revoke("demo", "gone").toCompletableFuture().get(10, TimeUnit.SECONDS).isPresent());
        assertEquals(204, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s1/xhr_send"), "[\"lost\"]").statusCode());
        assertEquals(List.of(), rig.callbacks.received());
        assertEquals("c[4004,\"Unknown socket\"]\n", rig.poll(socket, "s1"));
        assertEquals(404, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s2/xhr_send"), "[\"x\"]").statusCode(),
                "a session that never was");
    }

    @Test
    void aSessionHasAtMostFourSendsWaitingAndTheOneOverIsAnswered429() throws Exception {
        String socket = rig.authorize("sender");
        assertEquals("o\n", rig.poll(socket, "s1"));
        // A poll held open keeps the session from ending after its disconnect delay meanwhile.
        rig.http.sendAsync(HttpRequest.newBuilder(rig.publicBase.resolve("/" + socket + "/000/s1/xhr"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // The first callback is held, so every send of the session waits (the later ones behind it).
        CountDownLatch release = new CountDownLatch(1);
        rig.callbacks.script(r -> new CallbackServer.Reply(200, release));
        URI sendUri = rig.publicBase.resolve("/" + socket + "/000/s1/xhr_send");
        List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean refused = false;
            // Sent one by one until one is refused: the earlier ones reach the node in their own time.
            while (!refused && System.nanoTime() < deadline) {
                CompletableFuture<HttpResponse<String>> next = rig.http.sendAsync(HttpRequest.newBuilder(sendUri)
                        .POST(HttpRequest.BodyPublishers.ofString("[\"m" + sends.size() + "\"]"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                sends.add(next);
                try {
                    refused = next.get(200, TimeUnit.MILLISECONDS).statusCode() == 429;
                } catch (java.util.concurrent.TimeoutException waiting) {
                    // held, as it should be while fewer than four wait
                }
            }
            assertTrue(refused, "no send was refused; of " + sends.size() + " sends these were answered: "
                    + sends.stream().filter(CompletableFuture::isDone).map(f -> f.isCompletedExceptionally()
                            ? "failed" : Integer.toString(f.join().statusCode())).distinct().toList());
        } finally {
            release.countDown();
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            HttpResponse<String> answer = sends.get(i).get(30, TimeUnit.SECONDS);
            if (answer.statusCode() == 204) {
                accepted.add("m" + i);
            } else {
                assertEquals(429, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("too_many_sends"), answer.body());
            }
        }
        assertEquals(4, accepted.size(), "sends taken: " + accepted);
        // Each accepted one reached the callback (their order is the order they reached the node;
        // distinct, since a callback held past callback-timeout on a slow machine is sent again).
        List<String> delivered = rig.callbacks.received().stream().map(r -> CallbackPayload.fromJson(r.body()).message())
                .distinct().sorted().toList();
        assertEquals(accepted.stream().sorted().toList(), delivered);
        // Once answered, the session sends again.
        rig.callbacks.script(r -> CallbackServer.Reply.status(200));
        assertEquals(204, rig.send("POST", sendUri, "[\"after\"]").statusCode());
    }

    @Test
    void theWholeFlowOverXhrPolling() throws Exception {
        String socket = rig.authorize("user-1");
        assertEquals(200, rig.send("GET", rig.publicBase.resolve("/" + socket + "/info"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + SocketIds.next() + "/info"), null).statusCode());

        assertEquals("o\n", rig.poll(socket, "s1"));
        HttpResponse<String> sent = rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s1/xhr_send"),
                "[\"hello\",\"world\"]");
        assertEquals(204, sent.statusCode());
        List<CallbackServer.Received> received = rig.callbacks.received();
        assertEquals(2, received.size(), "the send was acknowledged after its callbacks");
        assertEquals(new CallbackPayload("hello", "s1", "user-1"), CallbackPayload.fromJson(received.get(0).body()));
        assertEquals(new CallbackPayload("world", "s1", "user-1"), CallbackPayload.fromJson(received.get(1).body()));
        assertTrue(CallbackSignature.verify(PushOverSockJsRig.SECRET, received.get(0).body().getBytes(StandardCharsets.UTF_8),
                received.get(0).signature()));

        HttpResponse<String> tooLarge = rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s1/xhr_send"),
                "[\"" + "x".repeat(1000) + "\"]");
        assertEquals(413, tooLarge.statusCode(), "the push limit reaches the SockJS layer");
        assertEquals(2, rig.callbacks.received().size());
        assertEquals(413, rig.send("POST", rig.apiBase.resolve("/publish/" + socket),
                "{\"message\":\"" + "x".repeat(1001) + "\"}").statusCode());

        assertEquals("{\"sessions\":1,\"queue_full\":0}", rig.api("POST", "/publish/" + socket, "{\"message\":\"pushed\"}", 200));
        assertEquals("a[\"pushed\"]\n", rig.poll(socket, "s1"));

        assertEquals("o\n", rig.poll(socket, "s2"));
        assertEquals("{\"sessions\":1,\"queue_full\":0}",
                rig.api("POST", "/publish/" + socket + "/s2", "{\"message\":{\"only\":\"s2\"}}", 200));
        assertEquals("a[\"{\\\"only\\\":\\\"s2\\\"}\"]\n", rig.poll(socket, "s2"));
        assertEquals("{\"sessions\":2,\"queue_full\":0}", rig.api("POST", "/publish/" + socket, "{\"message\":\"both\"}", 200));
        assertEquals("a[\"both\"]\n", rig.poll(socket, "s1"));
        assertEquals("a[\"both\"]\n", rig.poll(socket, "s2"));

        // Over the limit: the close frame instead of "o", and the session stays closed.
        assertEquals("c[4002,\"Too many sessions for this socket\"]\n", rig.poll(socket, "s3"));
        assertEquals("c[4002,\"Too many sessions for this socket\"]\n", rig.poll(socket, "s3"));

        // A held poll (as sockjs-client keeps one open) receives the revocation's close frame. Two
        // polls race for the session's one receiver slot: the loser answers 2010 at once, the winner
        // is the held one.
        CompletableFuture<HttpResponse<String>> first = pollAsync(socket, "s1");
        CompletableFuture<HttpResponse<String>> second = pollAsync(socket, "s1");
        CompletableFuture.anyOf(first, second).get(10, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> loser = first.isDone() ? first : second;
        CompletableFuture<HttpResponse<String>> held = loser == first ? second : first;
        assertTrue(loser.get().body().startsWith("c[2010,"), loser.get().body());
        assertFalse(held.isDone(), "one poll stays held");
        assertEquals("{\"socket_id\":\"" + socket + "\",\"sessions_closed\":2}",
                rig.api("DELETE", "/authorize/" + PushOverSockJsRig.SECRET + "/user-1", null, 200));
        assertEquals("c[4001,\"Socket revoked\"]\n", held.get(10, TimeUnit.SECONDS).body());
        // A session with no connection open at that moment (a client between two polls): the
        // socket is gone, but its next poll still learns why (4001, not a 404 the client sees as 1006).
        assertEquals("c[4001,\"Socket revoked\"]\n", rig.poll(socket, "s2"));
        // Everything else about the socket is unknown: new sessions on any transport, /info.
        assertEquals(404, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s9/xhr"), "").statusCode());
        assertEquals(404, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s9/xhr_streaming"), "").statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s9/eventsource"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s9/jsonp?c=cb"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s9/htmlfile?c=cb"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s9/websocket"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/websocket"), null).statusCode());
        assertEquals(404, rig.send("GET", rig.publicBase.resolve("/" + socket + "/info"), null).statusCode());
        // The pages are the same for every socket id and cost no store read: what they lead to checks the socket.
        assertEquals(200, rig.send("GET", rig.publicBase.resolve("/" + socket), null).statusCode());
        assertEquals(200, rig.send("GET", rig.publicBase.resolve("/" + socket + "/iframe.html"), null).statusCode());
        assertEquals(404, rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s9/xhr"), "").statusCode(),
                "the 404s created no session");
        // The closed session answers every receiving transport with its close frame while it lives.
        assertEquals("/**/cb(\"c[4001,\\\"Socket revoked\\\"]\");\r\n",
                rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s2/jsonp?c=cb"), null).body());
        assertTrue(rig.send("POST", rig.publicBase.resolve("/" + socket + "/000/s2/xhr_streaming"), "").body()
                .endsWith("h\nc[4001,\"Socket revoked\"]\n"));
        assertEquals("\r\ndata: c[4001,\"Socket revoked\"]\r\n\r\n",
                rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s2/eventsource"), null).body());
        assertTrue(rig.send("GET", rig.publicBase.resolve("/" + socket + "/000/s2/htmlfile?c=cb"), null).body()
                .endsWith("<script>\np(\"c[4001,\\\"Socket revoked\\\"]\");\n</script>\r\n"));
        assertEquals("c[4001,\"Socket revoked\"]\n", rig.poll(socket, "s2"));
    }

    private CompletableFuture<HttpResponse<String>> pollAsync(String socket, String session) {
        return rig.http.sendAsync(HttpRequest.newBuilder(rig.publicBase.resolve("/" + socket + "/000/" + session + "/xhr"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebsocketSessionSendsInOrderReceivesPublishesAndIsClosedByRevoke() throws Exception {
        String socket = rig.authorize("user-ws");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = rig.openWebSocket(socket, "w1", frames);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));

        for (int i = 0; i < 20; i++) {
            ws.sendText("[\"m" + i + "\"]", true).get(10, TimeUnit.SECONDS);
        }
        Waits.await(() -> rig.callbacks.received().size() == 20, "20 callbacks", Duration.ofSeconds(10));
        List<String> messages = rig.callbacks.received().stream()
                .map(r -> CallbackPayload.fromJson(r.body()).message()).toList();
        assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toList(), messages);

        assertEquals("{\"sessions\":1,\"queue_full\":0}", rig.api("POST", "/publish/" + socket + "/w1",
                "{\"message\":\"to the websocket\"}", 200));
        assertEquals("a[\"to the websocket\"]", frames.poll(10, TimeUnit.SECONDS));

        rig.api("DELETE", "/authorize/" + PushOverSockJsRig.SECRET + "/user-ws", null, 200);
        assertEquals("c[4001,\"Socket revoked\"]", frames.poll(10, TimeUnit.SECONDS));
        // The SockJS close frame is what the client reads; the websocket then ends (its code is the layer's).
        String end = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(end != null && end.startsWith("closed "), end);
    }
}
