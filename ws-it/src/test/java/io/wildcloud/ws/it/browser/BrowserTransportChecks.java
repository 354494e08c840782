package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import io.wildcloud.ws.common.client.NotFoundException;
import io.wildcloud.ws.it.browser.CallbackRecorder.Callback;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sockjs-client 1.6.1, as the node serves it, in a headless browser, on a page of another origin,
 * forced onto one transport at a time: the whole flow of one session, both directions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class BrowserTransportChecks {

    private BrowserFixture fixture;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS) // the class-level timeout does not cover lifecycle methods
    void start() throws Exception {
        fixture = BrowserFixture.start(topology(), browser());
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    BrowserFixture fixture() {
        return fixture;
    }

    /** The service these checks run against. */
    abstract PushStack.Factory topology();

    /** The browser they run in. */
    abstract BrowserKind browser();

    static List<String> transports() {
        return BrowserFixture.TRANSPORTS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void oneSessionCarriesEveryKindOfTextBothWaysThenCloses(String transport) throws Exception {
        String clientId = "client-" + transport + "-" + UUID.randomUUID();
        String socketId = fixture.authorize(clientId);
        List<Integer> requestsBefore = fixture.stack().requestsPerNode();
        SockJsPage page = fixture.openPage();
        page.connect(fixture.stack().sockJsUrl(socketId), transport);
        assertEquals(transport, page.transport(), "sock.transport");
        assertEquals(transport, page.internalTransport(), "sock._transport.transportName");

        // Browser to application: every message reaches the callback, signed, in the order sent.
        List<String> sent = new ArrayList<>();
        sent.add("first over " + transport);
        sent.addAll(TestMessages.all());
        for (int i = 1; i <= 5; i++) {
            sent.add("in order " + i);
        }
        sent.forEach(page::send);
        List<Callback> callbacks = fixture.callbacks().await(c -> c.client().equals(clientId), sent.size(), SockJsPage.WAIT);
        assertEquals(sent.stream().map(TestMessages::describe).toList(),
                callbacks.stream().map(c -> TestMessages.describe(c.message())).toList(), "callback order (short)");
        assertEquals(sent, callbacks.stream().map(Callback::message).toList(), "callback messages, exactly");
        String sessionId = callbacks.get(0).session();
        HashSet<String> keys = new HashSet<>();
        for (Callback callback : callbacks) {
            assertTrue(callback.signatureValid(), "callback signature verifies with the application secret");
            assertEquals(sessionId, callback.session(), "one session for the one connection");
            assertNotNull(callback.idempotencyKey(), "idempotency key header");
            keys.add(callback.idempotencyKey());
        }
        assertEquals(sent.size(), keys.size(), "one idempotency key per message");

        // Application to browser: published to the socket, then to the one session.
        int before = page.receivedCount();
        List<String> published = TestMessages.all();
        for (String text : published) {
            PublishResponse response = fixture.stack().api().publish(socketId, text);
            assertEquals(1, response.sessions(), "handed to the one open session");
        }
        assertEquals(published, page.awaitReceived(before, published), "socket publishes, in order");

        before = page.receivedCount();
        String toSession = "only for session " + sessionId + " ✓ \u2028";
        PublishResponse response = fixture.stack().api().publish(socketId, sessionId, toSession);
        assertEquals(1, response.sessions(), "handed to the session");
        assertEquals(List.of(toSession), page.awaitReceived(before, 1), "session publish");

        // Checked before closing: after close, a jsonp poll already in flight may still run and
        // call the callback sockjs-client has just removed ("Script error."), which is harmless.
        assertEquals(List.of(), page.pageErrors(), "no script errors on the page");
        assertEquals(1000, page.close(), "close code seen by the client");
        fixture.awaitSessionGone(socketId, sessionId);
        assertSpreadOverNodes(transport, requestsBefore, fixture.stack().requestsPerNode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void revokingTheSocketClosesTheBrowserSessionWithItsCode(String transport) throws Exception {
        String clientId = "revoked-" + transport + "-" + UUID.randomUUID();
        String socketId = fixture.authorize(clientId);
        SockJsPage page = fixture.openPage();
        page.connect(fixture.stack().sockJsUrl(socketId), transport);

        RevokeResponse revoked = fixture.stack().api().revoke(clientId);
        assertEquals(socketId, revoked.socketId());
        String closed = page.awaitClosedByServer();
        String revokedFrame = CloseCodes.SOCKET_REVOKED + " " + CloseCodes.SOCKET_REVOKED_REASON;
        // docs/push-api.md: the connection a transport holds gets the close frame, and so does the
        // next poll of a poller caught between two polls (never a 404, which would be 1006).
        assertEquals(revokedFrame, closed, transport + " closed with " + closed);
        assertThrows(NotFoundException.class, () -> fixture.stack().api().publish(socketId, "too late"),
                "a revoked socket is gone");
    }

    /**
     * Behind the balancer, the HTTP requests of one session (sends, polls, the iframe page) went to
     * more than one node. A websocket is one connection, so it lands on one node only.
     */
    private static void assertSpreadOverNodes(String transport, List<Integer> before, List<Integer> after) {
        if (after.isEmpty() || transport.equals("websocket")) {
            return;
        }
        int nodesUsed = 0;
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i) > before.get(i)) {
                nodesUsed++;
            }
        }
        assertTrue(nodesUsed >= 2, transport + " requests per node before " + before + ", after " + after);
    }
}
