package io.wildcloud.ws.node.http;

import com.google.gson.JsonObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The answer to a request the node refuses before any handler sees it: JSON, then the connection ends. */
final class GuardResponses {

    private static final long LINGER_MILLIS = 1_000;

    private GuardResponses() {
    }

    /** Writes {@code {"error": code, "message": message}} with {@code Connection: close}, then closes. */
    static void sendAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", code);
        body.addProperty("message", message);
        ByteBuf content = Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> lingeringClose(ctx));
    }

    /**
     * Ends our side, then reads (and drops) what the client still sends for a moment before closing:
     * closing with unread bytes would reset the connection, and a reset can destroy our answer in
     * the client's receive buffer before it reads it (a client still sending a 1 MiB header).
     */
    private static void lingeringClose(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
            ctx.executor().schedule(() -> {
                ctx.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ctx.close();
        }
    }
}
