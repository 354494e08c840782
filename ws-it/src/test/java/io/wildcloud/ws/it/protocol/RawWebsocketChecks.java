package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.WsClient;
import org.junit.jupiter.api.Test;

/** {@code <base>/websocket}: plain websocket with no SockJS framing, for non-browser clients. */
public abstract class RawWebsocketChecks extends ProtocolChecks {

    @Test
    void echoesTextVerbatimWithoutFraming() {
        try (WsClient ws = websocket(target().echo() + "/websocket")) {
            ws.send("Hello world!\uffff");
            assertEquals("Hello world!\uffff", ws.nextText());
        }
    }

    @Test
    void applicationCloseIsAWebsocketCloseFrame() {
        try (WsClient ws = websocket(target().close() + "/websocket")) {
            assertEquals(new WsClient.Closed(3000, "Go away!"), ws.next());
        }
    }
}
