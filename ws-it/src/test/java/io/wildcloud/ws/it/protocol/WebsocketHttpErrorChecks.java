package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** Requests to the websocket URL that are not a valid websocket handshake. */
public abstract class WebsocketHttpErrorChecks extends ProtocolChecks {

    @Test
    void plainGetIsABadRequest() {
        assertStatus(400, http().get(target().echo() + "/0/0/websocket"));
    }

    @Test
    void upgradeWithConnectionCloseIsABadRequest() {
        // Proxies that rewrite Connection break the handshake; the server must refuse it.
        RawResponse response = http().get(target().echo() + "/0/0/websocket",
                "Upgrade", "WebSocket", "Connection", "close");
        assertStatus(400, response);
    }

    @Test
    void postIsNotAllowedWithOrWithoutUpgradeHeaders() {
        String[][] variants = {{"Upgrade", "WebSocket", "Connection", "Upgrade"}, {}};
        for (String[] headers : variants) {
            RawResponse response = http().post(target().echo() + "/0/0/websocket", "", headers);
            assertStatus(405, response);
            assertNull(response.header("content-type"), () -> "405 with a Content-Type:\n" + response);
            assertNotNull(response.header("allow"), () -> "405 without Allow:\n" + response);
            assertEquals(0, response.body().length);
        }
    }
}
