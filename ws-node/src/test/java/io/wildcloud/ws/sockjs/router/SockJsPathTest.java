package io.wildcloud.ws.sockjs.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.router.SockJsPath.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SockJsPathTest {

    @Test
    void greetingWithAndWithoutSlash() {
        assertEquals(new SockJsPath("echo", Kind.GREETING, null, null), SockJsPath.parse("/echo"));
        assertEquals(new SockJsPath("echo", Kind.GREETING, null, null), SockJsPath.parse("/echo/"));
    }

    @Test
    void fixedPages() {
        assertEquals(Kind.INFO, SockJsPath.parse("/echo/info").kind());
        assertEquals(Kind.RAW_WEBSOCKET, SockJsPath.parse("/echo/websocket").kind());
        assertEquals("echo", SockJsPath.parse("/echo/info").prefix());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/echo/iframe.html", "/echo/iframe-a.html", "/echo/iframe-.html",
            "/echo/iframe-0.1.2.html", "/echo/iframe-0.1.2abc-dirty.2144.html"})
    void iframeVariants(String path) {
        assertEquals(Kind.IFRAME, SockJsPath.parse(path).kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/echo/iframe.htm", "/echo/iframe", "/echo/IFRAME.HTML", "/echo/IFRAME",
            "/echo/iframe.HTML", "/echo/iframe.xml", "/echo/iframe-/.html",
            "/echo/a", "/echo/a.html", "/echo//", "/echo///", "/echo/a/a", "/echo/a/a/", "/echo/a/",
            "/echo///xhr", "/echo/a./a/xhr", "/echo/a/a./xhr", "/echo/./././xhr", "/echo//xhr", "/echo////xhr",
            "/echo/a/a/unknown", "/echo/a/a/xhr/more", "/", "", "//echo", "echo"})
    void notFound(String path) {
        assertNull(SockJsPath.parse(path), path);
    }

    @Test
    void sessionUrlsTakeAnyIdWithoutDots() {
        assertEquals(new SockJsPath("echo", Kind.SESSION, "abcdefg_i-j%20", TransportType.XHR),
                SockJsPath.parse("/echo/abcdefgh_i-j%20/abcdefg_i-j%20/xhr"));
        assertEquals(new SockJsPath("echo", Kind.SESSION, "_", TransportType.JSONP_SEND),
                SockJsPath.parse("/echo/_/_/jsonp_send"));
        for (TransportType type : TransportType.values()) {
            assertEquals(type, SockJsPath.parse("/p/000/s/" + type.path()).transport());
        }
    }

    @Test
    void idsLongerThanTheBoundAreNotFound() {
        String longest = "s".repeat(SockJsPath.MAX_ID_LENGTH);
        assertEquals(longest, SockJsPath.parse("/echo/000/" + longest + "/xhr").sessionId());
        assertEquals(Kind.SESSION, SockJsPath.parse("/echo/" + longest + "/s/xhr").kind());
        assertNull(SockJsPath.parse("/echo/000/" + longest + "s/xhr"));
        assertNull(SockJsPath.parse("/echo/" + longest + "s/s/xhr"));
    }
}
