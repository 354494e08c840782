package io.wildcloud.ws.node.metrics;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.node.http.NodeResponses;
import io.wildcloud.ws.node.http.RequestPaths;

/**
 * Answers {@code GET /metrics} (Prometheus text format) and HEAD; any other method on it gets 405
 * with {@code Allow: GET, HEAD}. Passes every other path on.
 */
@ChannelHandler.Sharable
public final class MetricsHandler extends ChannelInboundHandlerAdapter {

    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeMetrics metrics;

    public MetricsHandler(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && RequestPaths.path(request.uri()).equals(PATH)) {
            try {
                if (NodeResponses.isRead(request)) {
                    NodeResponses.send(ctx, request, HttpResponseStatus.OK, CONTENT_TYPE, metrics.scrape());
                } else {
                    NodeResponses.readOnlyPath(ctx, request);
                }
            } finally {
                request.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
