package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.it.browser.CallbackRecorder.Callback;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two tabs of one browser, one socket (one user of the application), one session each: a socket
 * publish reaches both tabs, a session publish only its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class BrowserTabsChecks {

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
    void socketPublishReachesBothTabsSessionPublishOnlyItsOwn(String transport) throws Exception {
        String clientId = "tabs-" + transport + "-" + UUID.randomUUID();
        String socketId = fixture.authorize(clientId);
        String url = fixture.stack().sockJsUrl(socketId);
        SockJsPage first = fixture.openPage();
        first.connect(url, transport);
        SockJsPage second = fixture.openPageInNewTab();
        try {
            second.connect(url, transport);
            assertEquals(transport, first.transport());
            assertEquals(transport, second.transport());

            // Each tab learns nothing of its session id; the application learns it from the callbacks.
            first.send("hello from the first tab");
            second.send("hello from the second tab");
            Map<String, String> sessionOf = fixture.callbacks()
                    .await(c -> c.client().equals(clientId), 2, SockJsPage.WAIT).stream()
                    .collect(Collectors.toMap(Callback::message, Callback::session));
            String firstSession = sessionOf.get("hello from the first tab");
            String secondSession = sessionOf.get("hello from the second tab");
            assertNotEquals(firstSession, secondSession, "one session per tab");

            int firstBefore = first.receivedCount();
            int secondBefore = second.receivedCount();
            PublishResponse toBoth = fixture.stack().api().publish(socketId, "to every tab ✓");
            assertEquals(2, toBoth.sessions(), "handed to both sessions");
            assertEquals(List.of("to every tab ✓"), first.awaitReceived(firstBefore, 1));
            assertEquals(List.of("to every tab ✓"), second.awaitReceived(secondBefore, 1));

            PublishResponse toFirst = fixture.stack().api().publish(socketId, firstSession, "only the first tab");
            assertEquals(1, toFirst.sessions());
            // A later socket publish is the marker: once the second tab has it, anything meant
            // for it would have arrived before it (one session's messages keep their order).
            fixture.stack().api().publish(socketId, "marker");
            assertEquals(List.of("only the first tab", "marker"), first.awaitReceived(firstBefore + 1, 2));
            assertEquals(List.of("marker"), second.awaitReceived(secondBefore + 1, 1),
                    "the second tab never gets the first tab's session publish");

            assertEquals(1000, second.close());
            assertEquals(1000, first.close());
        } finally {
            fixture.closeTab(second);
        }
    }
}
