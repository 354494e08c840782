package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class TransportTypeTest {

    @Test
    void pathsMapToTransports() {
        assertEquals(TransportType.XHR, TransportType.byPath("xhr"));
        assertEquals(TransportType.JSONP_SEND, TransportType.byPath("jsonp_send"));
        assertNull(TransportType.byPath("XHR"));
        assertNull(TransportType.byPath(""));
    }

    @Test
    void wireFacts() {
        assertEquals(HttpMethod.POST, TransportType.XHR_STREAMING.method());
        assertEquals(HttpMethod.GET, TransportType.EVENTSOURCE.method());
        assertEquals("OPTIONS, POST", TransportType.XHR_SEND.allowHeader());
        assertEquals("GET", TransportType.WEBSOCKET.allowHeader());
        assertEquals("text/event-stream", TransportType.EVENTSOURCE.contentType());
        assertTrue(TransportType.HTMLFILE.receives());
        assertFalse(TransportType.XHR_SEND.receives());
        assertFalse(TransportType.WEBSOCKET.cookie());
        assertTrue(TransportType.JSONP.cookie());
        assertFalse(TransportType.JSONP.cors());
    }
}
