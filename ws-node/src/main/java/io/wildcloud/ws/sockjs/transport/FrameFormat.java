package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;

/**
 * How one HTTP transport wraps a SockJS frame on the wire: a newline for xhr, an event for
 * eventsource, a script tag for htmlfile, a callback call for jsonp.
 */
public interface FrameFormat {

    /** The frame as bytes, in a new direct buffer that the caller owns (and usually writes). */
    ByteBuf encode(ByteBufAllocator alloc, SockJsFrame frame);

    /** {@code <frame>\n}: xhr polling and xhr_streaming. */
    FrameFormat XHR = (alloc, frame) -> wrap(alloc, "", frame.text(), "\n");

    /** {@code data: <frame>\r\n\r\n}: the frame is JSON-escaped already, so it holds no newline. */
    FrameFormat EVENT_SOURCE = (alloc, frame) -> wrap(alloc, "data: ", frame.text(), "\r\n\r\n");

    /** A script calling {@code p("<frame>")} in the htmlfile page. */
    FrameFormat HTML_FILE = (alloc, frame) ->
            wrap(alloc, "<script>\np(", SockJsJson.quote(frame.text()), ");\n</script>\r\n");

    /**
     * {@code /**}{@code /callback("<frame>");\r\n}. The leading comment defuses the Rosetta Flash
     * attack (a callback parameter crafted into a SWF file).
     */
    static FrameFormat jsonp(String callback) {
        String before = "/**/" + callback + "(";
        return (alloc, frame) -> wrap(alloc, before, SockJsJson.quote(frame.text()), ");\r\n");
    }

    private static ByteBuf wrap(ByteBufAllocator alloc, String before, String text, String after) {
        ByteBuf buf = alloc.directBuffer(before.length() + ByteBufUtil.utf8MaxBytes(text) + after.length());
        buf.writeCharSequence(before, io.netty.util.CharsetUtil.US_ASCII);
        ByteBufUtil.writeUtf8(buf, text);
        buf.writeCharSequence(after, io.netty.util.CharsetUtil.US_ASCII);
        return buf;
    }
}
