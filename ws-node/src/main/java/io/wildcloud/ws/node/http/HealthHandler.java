package io.wildcloud.ws.node.http;

import com.google.gson.JsonObject;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.BooleanSupplier;

/**
 * Answers {@code GET /health} on either port (200 or 503 with a JSON body saying why) and passes
 * every other request on. Balancers and Kubernetes probes call it; a draining node answers 503 so
 * that it leaves the rotation before it stops.
 *
 * <p>Its time bound: it sits right after the HTTP codec on both ports and does no I/O and no
 * waiting ({@link HealthCheck} reads volatile state), so an answer takes one turn of its
 * connection's event loop. Every other handler is non-blocking and bounds its work per read, so
 * that turn stays short under load; the hostile-client suite ({@code ws-it} package
 * {@code io.wildcloud.ws.it.hostile}) asserts answers within 1 s during every attack.
 */
@ChannelHandler.Sharable
public final class HealthHandler extends ChannelInboundHandlerAdapter {

    public static final String PATH = "/health";

    private final String nodeId;
    private final String engine;
    private final HealthCheck check;
    private final BooleanSupplier draining;

    public HealthHandler(String nodeId, String engine, HealthCheck check, BooleanSupplier draining) {
        this.nodeId = nodeId;
        this.engine = engine;
        this.check = check;
        this.draining = draining;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && isHealth(request)) {
            try {
                String problem = draining.getAsBoolean() ? "node is draining" : check.problem();
                JsonObject body = new JsonObject();
                body.addProperty("status", problem == null ? "ok" : "unavailable");
                body.addProperty("node", nodeId);
                body.addProperty("engine", engine);
                if (problem != null) {
                    body.addProperty("problem", problem);
                }
                HttpResponses.json(ctx, request, problem == null ? HttpResponseStatus.OK
                        : HttpResponseStatus.SERVICE_UNAVAILABLE, body.toString());
            } finally {
                request.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isHealth(FullHttpRequest request) {
        return (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))
                && new QueryStringDecoder(request.uri()).path().equals(PATH);
    }
}
