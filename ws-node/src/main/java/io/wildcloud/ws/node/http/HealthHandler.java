package io.wildcloud.ws.node.http;

import com.google.gson.JsonObject;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.BooleanSupplier;

/**
 * Answers the health checks on either port (200, or 503 with a JSON body saying why) and passes
 * every other request on:
 * <ul>
 *   <li>{@code GET /health/live}: liveness. The process serves requests; always 200, touching
 *       neither the store nor the drain. A failing liveness probe restarts the process, which
 *       cures nothing when the store stalls, and would cut short a drain.</li>
 *   <li>{@code GET /health/ready}, and {@code GET /health} (the same, kept for existing
 *       balancers): readiness. 503 while the node drains or the store has a problem, so that
 *       balancers send it nothing new.</li>
 * </ul>
 * Each answers GET and HEAD; any other method gets 405 {@code method_not_allowed} with
 * {@code Allow: GET, HEAD}.
 *
 * <p>Its time bound: it does no I/O and no waiting ({@link HealthCheck} reads volatile state), and
 * a connection whose first request is a health check stays on the intake event loop
 * ({@link IntakeHandoff}), which runs nothing heavy: the answer does not wait for worker loops
 * that a flood keeps busy. The hostile-client suite ({@code ws-it} package
 * {@code io.wildcloud.ws.it.hostile}) asserts answers within 1 s during every attack.
 */
@ChannelHandler.Sharable
public final class HealthHandler extends ChannelInboundHandlerAdapter {

    public static final String PATH = "/health";
    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";

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
        String path = msg instanceof FullHttpRequest request ? healthPath(request) : null;
        if (path == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        try {
            if (!NodeResponses.isRead(request)) {
                NodeResponses.readOnlyPath(ctx, request);
                return;
            }
            String problem = path.equals(LIVE_PATH) ? null : readinessProblem();
            JsonObject body = new JsonObject();
            body.addProperty("status", problem == null ? "ok" : "unavailable");
            body.addProperty("node", nodeId);
            body.addProperty("engine", engine);
            if (problem != null) {
                body.addProperty("problem", problem);
            }
            NodeResponses.json(ctx, request, problem == null ? HttpResponseStatus.OK
                    : HttpResponseStatus.SERVICE_UNAVAILABLE, body.toString());
        } finally {
            request.release();
        }
    }

    private String readinessProblem() {
        return draining.getAsBoolean() ? "node is draining" : check.problem();
    }

    /** The health path {@code request} asks for, whatever its method, or null for any other path. */
    private static String healthPath(FullHttpRequest request) {
        String path = RequestPaths.path(request.uri());
        return isHealthPathOnly(path) ? path : null;
    }

    /** Whether {@code uri} (a request target, query and all) asks for one of the health paths. */
    static boolean isHealthPath(String uri) {
        return isHealthPathOnly(RequestPaths.path(uri));
    }

    private static boolean isHealthPathOnly(String path) {
        return path.equals(PATH) || path.equals(LIVE_PATH) || path.equals(READY_PATH);
    }
}
