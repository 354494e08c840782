package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameFormatTest {

    private static final SockJsFrame MESSAGES = SockJsFrame.messages(List.of("x", "a\"b", "\u2028"));

    private static String encode(FrameFormat format, SockJsFrame frame) {
        ByteBuf buf = format.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            assertTrue(buf.isDirect(), "frames go out in direct buffers");
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void xhrAppendsANewline() {
        assertEquals("o\n", encode(FrameFormat.XHR, SockJsFrame.open()));
        assertEquals("h\n", encode(FrameFormat.XHR, SockJsFrame.heartbeat()));
        assertEquals("a[\"x\",\"a\\\"b\",\"\\u2028\"]\n", encode(FrameFormat.XHR, MESSAGES));
        assertEquals("c[3000,\"Go away!\"]\n", encode(FrameFormat.XHR, SockJsFrame.close(3000, "Go away!")));
    }

    @Test
    void eventSourceWrapsInDataLines() {
        assertEquals("data: o\r\n\r\n", encode(FrameFormat.EVENT_SOURCE, SockJsFrame.open()));
        assertEquals("data: a[\"x\",\"a\\\"b\",\"\\u2028\"]\r\n\r\n", encode(FrameFormat.EVENT_SOURCE, MESSAGES));
    }

    @Test
    void htmlFileQuotesTheFrameIntoAScript() {
        assertEquals("<script>\np(\"o\");\n</script>\r\n", encode(FrameFormat.HTML_FILE, SockJsFrame.open()));
        assertEquals("<script>\np(\"a[\\\"x\\\",\\\"a\\\\\\\"b\\\",\\\"\\\\u2028\\\"]\");\n</script>\r\n",
                encode(FrameFormat.HTML_FILE, MESSAGES));
    }

    @Test
    void jsonpCallsTheCallbackBehindAComment() {
        FrameFormat jsonp = FrameFormat.jsonp("cb.x-1_");
        assertEquals("/**/cb.x-1_(\"o\");\r\n", encode(jsonp, SockJsFrame.open()));
        assertEquals("/**/cb.x-1_(\"c[3000,\\\"Go away!\\\"]\");\r\n",
                encode(jsonp, SockJsFrame.close(3000, "Go away!")));
    }

    @Test
    void nonAsciiIsUtf8() {
        assertEquals("a[\"\u00e9\u4e2d\"]\n", encode(FrameFormat.XHR, SockJsFrame.message("\u00e9\u4e2d")));
    }

    @Test
    void htmlFileFramesCannotEndTheirScriptBlock() {
        String chunk = encode(FrameFormat.HTML_FILE, SockJsFrame.message("</script><!-- x"));
        assertEquals("<script>\np(\"a[\\\"\\u003c/script>\\u003c!-- x\\\"]\");\n</script>\r\n", chunk);
    }
}
