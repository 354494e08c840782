package io.wildcloud.ws.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CompactHttpHeadersTest {

    /** Requests a node reads: plain, repeated names, many headers, chunked with trailers, and broken ones. */
    private static final List<String> REQUESTS = List.of(
            "POST /publish/abc HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: 3\r\n"
                    + "X-A: 1\r\nx-a: 2\r\n\r\nabc",
            "GET /info HTTP/1.1\r\n" + manyHeaders(24) + "\r\n",
            "POST /p HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n"
                    + "X-Other: u\r\n\r\n",
            // Trailers may not carry framing headers; Netty's trailer validation refuses them.
            "POST /p HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nContent-Length: 5\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: api\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: api\r\nX-B: a\u0001b\r\n\r\n");

    private static String manyHeaders(int count) {
        StringBuilder headers = new StringBuilder("Host: api\r\n");
        for (int i = 0; i < count; i++) {
            headers.append("X-Header-").append(i).append(": value ").append(i).append("\r\n");
        }
        return headers.toString();
    }

    @Test
    void requestsDecodeAsWithNettysDefaultCodec() {
        for (String request : REQUESTS) {
            assertEquals(decoded(HttpServerCodec::new, request), decoded(CompactHttpHeaders::serverCodec, request),
                    request);
        }
    }

    @Test
    void aRequestsHeadersAndTrailersAreCompactTables() {
        EmbeddedChannel channel = new EmbeddedChannel(CompactHttpHeaders.serverCodec());
        channel.writeInbound(Unpooled.copiedBuffer(REQUESTS.get(0), StandardCharsets.US_ASCII));
        HttpRequest request = channel.readInbound();
        LastHttpContent last = channel.readInbound();
        assertInstanceOf(CompactHttpHeaders.class, request.headers());
        assertInstanceOf(CompactHttpHeaders.class, last.trailingHeaders());
        assertEquals(List.of("1", "2"), request.headers().getAll("x-a"));
        last.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aResponsesTableAllocatesLessThanNettysDefault() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runnable compact = CompactHttpHeaders::forResponse;
        Runnable standard = () -> DefaultHttpHeadersFactory.headersFactory().newHeaders();
        long compactBytes = 0;
        long standardBytes = 0;
        for (int round = 0; round < 3; round++) { // the last round's counts, after the first calls' class loading
            compactBytes = allocated(threads, compact);
            standardBytes = allocated(threads, standard);
        }
        assertTrue(compactBytes + 48 <= standardBytes, "compact " + compactBytes + " bytes, Netty's " + standardBytes);
    }

    private static long allocated(com.sun.management.ThreadMXBean threads, Runnable make) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            make.run();
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / 1000;
    }

    /** What a codec reads from {@code request}: each message with its headers, content and decoder result. */
    private static List<String> decoded(Supplier<ChannelHandler> codec, String request) {
        EmbeddedChannel channel = new EmbeddedChannel(codec.get());
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        List<String> read = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            StringBuilder text = new StringBuilder();
            if (msg instanceof HttpRequest http) {
                text.append(http.method()).append(' ').append(http.uri()).append(' ').append(http.decoderResult())
                        .append(' ').append(http.headers().entries());
            }
            if (msg instanceof HttpContent content) {
                text.append(" content ").append(content.content().toString(StandardCharsets.ISO_8859_1)).append(' ')
                        .append(content.decoderResult());
            }
            if (msg instanceof LastHttpContent last) {
                text.append(" trailers ").append(last.trailingHeaders().entries());
            }
            read.add(text.toString());
            ReferenceCountUtil.release(msg);
        }
        channel.finishAndReleaseAll();
        return read;
    }
}
