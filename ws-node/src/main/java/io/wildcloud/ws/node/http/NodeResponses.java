package io.wildcloud.ws.node.http;

import com.google.gson.JsonObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.wildcloud.ws.common.api.ErrorCodes;
import java.nio.charset.StandardCharsets;

/**
 * Small complete responses (health, metrics, errors), with keep-alive handled as the request asked.
 * A HEAD gets the same status and headers without the body (the server codec drops it).
 */
public final class NodeResponses {

    /** The {@code Allow} of the node's read-only paths. */
    public static final String READ_ONLY_METHODS = "GET, HEAD";
    private static final String JSON = "application/json; charset=UTF-8";

    private NodeResponses() {
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                            String contentType, String body) {
        send(ctx, request, status, contentType, body, null);
    }

    /**
     * 405 {@code method_not_allowed} with {@code Allow: GET, HEAD}: the answer of the node's own
     * read-only paths (health checks, metrics) to any other method, on either port.
     */
    public static void readOnlyPath(ChannelHandlerContext ctx, HttpRequest request) {
        JsonObject body = new JsonObject();
        body.addProperty("error", ErrorCodes.METHOD_NOT_ALLOWED);
        body.addProperty("message", "This path answers GET and HEAD only.");
        send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, JSON, body.toString(), READ_ONLY_METHODS);
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                             String contentType, String body, String allow) {
        send(ctx, request, status, contentType, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), allow);
    }

    /** As {@link #send(ChannelHandlerContext, HttpRequest, HttpResponseStatus, String, String)}; takes {@code content}. */
    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                            String contentType, ByteBuf content) {
        send(ctx, request, status, contentType, content, null);
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                             String contentType, ByteBuf content, String allow) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store, no-cache, no-transform, must-revalidate, max-age=0");
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive && !request.protocolVersion().isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    public static void json(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String json) {
        send(ctx, request, status, JSON, json);
    }

    /** Whether {@code request} is a GET or a HEAD, the methods of the node's read-only paths. */
    public static boolean isRead(HttpRequest request) {
        return request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
    }
}
