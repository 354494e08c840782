package io.wildcloud.ws.sockjs.testmode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.nio.charset.StandardCharsets;

/**
 * EmbeddedChannels with the node's HTTP pipeline and one shared {@link SockJsHandler} over one
 * memory store, as a node serves many connections: raw request bytes in, raw response bytes out.
 */
public final class SockJsChannels implements AutoCloseable {

    private final MemorySessionStore store = new MemorySessionStore();
    private final SockJsHandler handler;

    public SockJsChannels() {
        this(SockJsOptions.defaults());
    }

    public SockJsChannels(SockJsOptions base) {
        this(base, io.wildcloud.ws.sockjs.PeerPolicy.defaults());
    }

    public SockJsChannels(SockJsOptions base, io.wildcloud.ws.sockjs.PeerPolicy policy) {
        this.handler = new SockJsHandler(new ProtocolTestEndpoints(base), store, "test-node",
                io.wildcloud.ws.sockjs.SockJsMetrics.NONE, policy);
    }

    public EmbeddedChannel open() {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), handler);
    }

    public SockJsHandler handler() {
        return handler;
    }

    public MemorySessionStore store() {
        return store;
    }

    /** Feeds raw request text. */
    public static void send(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
    }

    /** Runs what the event loop has queued, then takes (and releases) every byte written so far. */
    public static String read(EmbeddedChannel channel) {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    /** Sends a request and returns what was written in answer, right away. */
    public static String exchange(EmbeddedChannel channel, String request) {
        send(channel, request);
        return read(channel);
    }

    public static String get(String path, String... headers) {
        return request("GET", path, null, headers);
    }

    public static String post(String path, String body, String... headers) {
        return request("POST", path, body == null ? "" : body, headers);
    }

    public static String options(String path, String... headers) {
        return request("OPTIONS", path, null, headers);
    }

    /** An HTTP/1.1 request; POST bodies always get a Content-Length, as browsers send. */
    public static String request(String method, String path, String body, String... headers) {
        StringBuilder out = new StringBuilder();
        out.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            out.append(header).append("\r\n");
        }
        if (body != null) {
            out.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                    .append(body);
        } else {
            out.append("\r\n");
        }
        return out.toString();
    }

    @Override
    public void close() {
        store.close();
    }
}
