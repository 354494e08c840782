package io.wildcloud.ws.node;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.node.http.NodeResponses;

/** The end of a pipeline that has nothing more to serve: a JSON 404. */
final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        NodeResponses.json(ctx, request, HttpResponseStatus.NOT_FOUND,
                "{\"error\":\"not_found\",\"message\":\"this node runs in protocol-test mode and serves no API;"
                        + " only /health, /health/live, /health/ready and /metrics answer here\"}");
    }
}
