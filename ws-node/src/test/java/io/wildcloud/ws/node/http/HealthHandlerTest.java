package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Liveness and readiness apart: {@code /health/live} says the process serves whatever the store
 * and the drain say, and never asks the store; {@code /health/ready} and {@code /health} say
 * whether the node should get traffic.
 */
class HealthHandlerTest {

    private volatile String problem;
    private volatile boolean draining;
    private final AtomicInteger storeChecks = new AtomicInteger();
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1024),
            new HealthHandler("n1", "redis", () -> {
                storeChecks.incrementAndGet();
                return problem;
            }, () -> draining));

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
    }

    @Test
    void aHealthyNodeIsLiveAndReadyOnEveryPath() {
        String ok = response("200 OK", "{\"status\":\"ok\",\"node\":\"n1\",\"engine\":\"redis\"}");
        assertEquals(ok, get("/health/live"));
        assertEquals(0, storeChecks.get(), "liveness never asks the store");
        assertEquals(ok, get("/health/ready"));
        assertEquals(ok, get("/health"));
        assertEquals(ok, get("/health/ready?probe=k8s"));
        assertEquals(2 + 1, storeChecks.get());
    }

    @Test
    void aStoreProblemMakesTheNodeUnreadyButNotDead() {
        problem = "redis unreachable";
        String unready = response("503 Service Unavailable",
                "{\"status\":\"unavailable\",\"node\":\"n1\",\"engine\":\"redis\",\"problem\":\"redis unreachable\"}");
        assertEquals(unready, get("/health/ready"));
        assertEquals(unready, get("/health"));
        assertEquals(response("200 OK", "{\"status\":\"ok\",\"node\":\"n1\",\"engine\":\"redis\"}"), get("/health/live"));
    }

    @Test
    void aDrainingNodeIsUnreadyButLive() {
        draining = true;
        problem = "redis unreachable";
        String unready = response("503 Service Unavailable",
                "{\"status\":\"unavailable\",\"node\":\"n1\",\"engine\":\"redis\",\"problem\":\"node is draining\"}");
        assertEquals(unready, get("/health/ready"));
        assertEquals(unready, get("/health"));
        assertEquals(response("200 OK", "{\"status\":\"ok\",\"node\":\"n1\",\"engine\":\"redis\"}"), get("/health/live"));
    }

    @Test
    void otherPathsPassOn() {
        for (String request : new String[] {"GET /health/x HTTP/1.1\r\n\r\n", "GET /healthy HTTP/1.1\r\n\r\n",
                "POST /healthy HTTP/1.1\r\ncontent-length: 0\r\n\r\n"}) {
            ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
            Object passed = ch.readInbound();
            assertTrue(passed instanceof FullHttpRequest, request);
            ReferenceCountUtil.release(passed);
            assertNull(ch.readOutbound(), request);
        }
    }

    @Test
    void headGetsTheStatusAndHeadersWithoutTheBody() {
        String ok = response("200 OK", "{\"status\":\"ok\",\"node\":\"n1\",\"engine\":\"redis\"}");
        String head = ok.substring(0, ok.indexOf("\r\n\r\n") + 4);
        for (String path : new String[] {"/health", "/health/live", "/health/ready"}) {
            assertEquals(head, exchange("HEAD", path), path);
        }
    }

    @Test
    void everyOtherMethodOnAHealthPathGets405WithAllowGetHead() {
        String body = "{\"error\":\"method_not_allowed\",\"message\":\"This path answers GET and HEAD only.\"}";
        String expected = response("405 Method Not Allowed", body)
                .replace("max-age=0\r\n", "max-age=0\r\nallow: GET, HEAD\r\n");
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            for (String path : new String[] {"/health", "/health/live", "/health/ready"}) {
                assertEquals(expected, exchange(method, path), method + " " + path);
            }
        }
        assertEquals(0, storeChecks.get(), "a refused method asks the store nothing");
    }

    private String get(String path) {
        return exchange("GET", path);
    }

    private String exchange(String method, String path) {
        ch.writeInbound(Unpooled.copiedBuffer(method + " " + path + " HTTP/1.1\r\nhost: n1\r\ncontent-length: 0\r\n\r\n",
                StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    private static String response(String status, String body) {
        return "HTTP/1.1 " + status + "\r\n"
                + "content-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n"
                + "\r\n" + body;
    }
}
