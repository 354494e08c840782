package io.wildcloud.ws.sockjs.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves sockjs-client 1.6.1 from its webjar at {@code /sockjs-client/<file>} (the iframe page
 * loads it from there: never a CDN), cached for a year and revalidated by ETag. Passes every
 * other request on, so a node puts it right before the SockJS router.
 */
@ChannelHandler.Sharable
public final class ClientScriptHandler extends ChannelInboundHandlerAdapter {

    public static final String PATH_PREFIX = "/sockjs-client/";
    private static final String WEBJAR = "META-INF/resources/webjars/sockjs-client/1.6.1/dist/";
    private static final String[] FILES = {"sockjs.min.js", "sockjs.js", "sockjs.min.js.map", "sockjs.js.map"};

    private final Map<String, Script> scripts = new HashMap<>();

    /** Loads the scripts from the classpath now, so that a missing webjar fails the node's start. */
    public ClientScriptHandler() {
        for (String file : FILES) {
            byte[] bytes = load(file);
            String type = file.endsWith(".map") ? "application/json;charset=UTF-8"
                    : "application/javascript;charset=UTF-8";
            // Lives as long as the node: a wrapped NIO buffer, outside the allocators and their
            // leak tracking; every response writes a duplicate of it, which never frees it.
            ByteBuf content = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                    java.nio.ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()).asReadOnly());
            scripts.put(PATH_PREFIX + file, new Script(content, type, StaticPages.etag(bytes)));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || !request.uri().startsWith(PATH_PREFIX)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            serve(ctx, request);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest msg) {
        SockJsRequest request = SockJsRequest.of(msg);
        Script script = scripts.get(request.rawPath());
        if (script == null) {
            SockJsResponses.sendNotFound(ctx, request);
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            SockJsResponses.sendMethodNotAllowed(ctx, request, "GET");
            return;
        }
        FullHttpResponse response;
        if (script.etag.equals(request.header(HttpHeaderNames.IF_NONE_MATCH))) {
            response = new DefaultFullHttpResponse(request.version(), HttpResponseStatus.NOT_MODIFIED);
        } else {
            response = new DefaultFullHttpResponse(request.version(), HttpResponseStatus.OK,
                    script.content.duplicate());
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, script.contentType);
        }
        SockJsResponses.cacheOneYear(response.headers());
        response.headers().set(HttpHeaderNames.ETAG, script.etag);
        SockJsResponses.send(ctx, request, response);
    }

    private static byte[] load(String file) {
        try (InputStream in = ClientScriptHandler.class.getClassLoader().getResourceAsStream(WEBJAR + file)) {
            if (in == null) {
                throw new IllegalStateException("sockjs-client webjar missing from the classpath: " + WEBJAR + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Script(ByteBuf content, String contentType, String etag) {
    }
}
