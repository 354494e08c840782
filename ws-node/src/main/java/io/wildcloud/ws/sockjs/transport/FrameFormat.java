package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.CharsetUtil;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;

/**
 * How one HTTP transport wraps a SockJS frame on the wire: a newline for xhr, an event for
 * eventsource, a script tag for htmlfile, a callback call for jsonp.
 */
@FunctionalInterface
public interface FrameFormat {

    /**
     * The frame whose wire text is {@code frameText}, as bytes in a new direct buffer that the
     * caller owns (and usually writes). {@code frameText} is read before this returns, so a reused
     * builder may be passed.
     */
    ByteBuf encode(ByteBufAllocator alloc, CharSequence frameText);

    /** {@link #encode(ByteBufAllocator, CharSequence)} for a frame value. */
    default ByteBuf encode(ByteBufAllocator alloc, SockJsFrame frame) {
        return encode(alloc, frame.text());
    }

    /** {@code <frame>\n}: xhr polling and xhr_streaming. */
    FrameFormat XHR = (alloc, text) -> wrap(alloc, "", text, "\n");

    /** {@code data: <frame>\r\n\r\n}: the frame is JSON-escaped already, so it holds no newline. */
    FrameFormat EVENT_SOURCE = (alloc, text) -> wrap(alloc, "data: ", text, "\r\n\r\n");

    /** A script calling {@code p("<frame>")} in the htmlfile page. */
    FrameFormat HTML_FILE = (alloc, text) ->
            // "<" escaped too: a message holding "</script>" or "<!--" would end the script block early.
            wrap(alloc, "<script>\np(", SockJsJson.quote(text.toString()).replace("<", "\\u003c"), ");\n</script>\r\n");

    /**
     * {@code /**}{@code /callback("<frame>");\r\n}. The leading comment defuses the Rosetta Flash
     * attack (a callback parameter crafted into a SWF file).
     */
    static FrameFormat jsonp(String callback) {
        String before = "/**/" + callback + "(";
        return (alloc, text) -> wrap(alloc, before, SockJsJson.quote(text.toString()), ");\r\n");
    }

    private static ByteBuf wrap(ByteBufAllocator alloc, String before, CharSequence text, String after) {
        ByteBuf buf = alloc.directBuffer(before.length() + ByteBufUtil.utf8MaxBytes(text) + after.length());
        buf.writeCharSequence(before, CharsetUtil.US_ASCII);
        ByteBufUtil.writeUtf8(buf, text);
        buf.writeCharSequence(after, CharsetUtil.US_ASCII);
        return buf;
    }
}
