package io.wildcloud.ws.node;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.IntakeHandoff;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import io.wildcloud.ws.node.metrics.MetricsHandler;
import java.util.function.Supplier;

/**
 * The API port's pipeline: applications and operators only, never the public balancer. In
 * protocol-test mode there is no API: only health and metrics answer.
 */
final class ApiChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final HealthHandler health;
    private final MetricsHandler metrics;
    private final Supplier<ChannelHandler> aggregators;
    private final Supplier<ChannelHandler> apiHandlers;
    private final DrainingConnections connections;
    private final ConnectionGuards guards;
    /** Where a connection moves from the intake loop once it asks for anything but health. */
    private final EventLoopGroup workers;
    private final Supplier<WriteBacklogLimit> backlogLimit;

    /** @param apiHandlers {@code null} when the node serves no API (protocol-test mode) */
    ApiChannelInitializer(HealthHandler health, MetricsHandler metrics, Supplier<ChannelHandler> aggregators,
                          Supplier<ChannelHandler> apiHandlers, DrainingConnections connections,
                          Supplier<WriteBacklogLimit> backlogLimit, ConnectionGuards guards, EventLoopGroup workers) {
        this.workers = workers;
        this.connections = connections;
        this.backlogLimit = backlogLimit;
        this.guards = guards;
        this.health = health;
        this.metrics = metrics;
        this.aggregators = aggregators;
        this.apiHandlers = apiHandlers;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!guards.admit(ch)) {
            ch.close();
            return;
        }
        ch.pipeline()
                .addLast(PipelineNames.WRITE_BACKLOG, backlogLimit.get())
                .addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec())
                .addLast(PipelineNames.DRAIN, connections.newHandler())
                .addLast(PipelineNames.API_AGGREGATOR,
                        aggregators != null ? aggregators.get() : new HttpObjectAggregator(64 * 1024))
                .addLast(PipelineNames.HEALTH, health)
                .addLast(PipelineNames.METRICS, metrics);
        if (apiHandlers != null) {
            ch.pipeline().addLast(PipelineNames.API, apiHandlers.get());
        } else {
            ch.pipeline().addLast(PipelineNames.API, new NotFoundHandler());
        }
        guards.addGuard(ch.pipeline(), PipelineNames.HTTP_CODEC, PipelineNames.BYTE_WATCHER, PipelineNames.REQUEST_GUARD);
        ch.pipeline().addAfter(PipelineNames.REQUEST_GUARD, PipelineNames.INTAKE_HANDOFF, new IntakeHandoff(workers));
    }
}
