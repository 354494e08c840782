package io.wildcloud.ws.node;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.wildcloud.ws.edge.CompactHttpHeaders;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.IntakeHandoff;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import java.util.function.Supplier;

/**
 * What both ports' pipelines share: the connection guard admits the connection or it is closed
 * without a word; then the write-backlog limit, the HTTP codec with the request guard around it,
 * the intake hand-off (health stays on the intake loop, the rest moves to a worker loop),
 * the drain handler, the port's aggregator and the health checks, before the port's own handlers.
 */
abstract class PortInitializer extends ChannelInitializer<SocketChannel> {

    private final HealthHandler health;
    private final DrainingConnections connections;
    private final Supplier<WriteBacklogLimit> backlogLimit;
    private final ConnectionGuards guards;
    /** Where a connection moves from the intake loop once it asks for anything but health. */
    private final EventLoopGroup workers;

    PortInitializer(HealthHandler health, DrainingConnections connections, Supplier<WriteBacklogLimit> backlogLimit,
            ConnectionGuards guards, EventLoopGroup workers) {
        this.workers = workers;
        this.health = health;
        this.connections = connections;
        this.backlogLimit = backlogLimit;
        this.guards = guards;
    }

    @Override
    protected final void initChannel(SocketChannel ch) {
        if (!guards.admit(ch)) {
            ch.close();
            return;
        }
        addHandlers(ch.pipeline());
    }

    /** Puts the port's handlers, in {@code PipelineNames}' order, into {@code pipeline}. */
    final void addHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.WRITE_BACKLOG, backlogLimit.get())
                .addLast(PipelineNames.HTTP_CODEC, CompactHttpHeaders.serverCodec(maxPipelined()))
                .addLast(PipelineNames.DRAIN, connections.newHandler())
                .addLast(aggregatorName(), newAggregator())
                .addLast(PipelineNames.HEALTH, health);
        addPortHandlers(pipeline);
        guards.addGuard(pipeline, PipelineNames.HTTP_CODEC, PipelineNames.BYTE_WATCHER, PipelineNames.REQUEST_GUARD);
        pipeline.addAfter(PipelineNames.REQUEST_GUARD, PipelineNames.INTAKE_HANDOFF, new IntakeHandoff(workers));
        addAfterIntake(pipeline);
    }

    /** Handlers of the port's own that go right after the intake hand-off; none by default. */
    void addAfterIntake(ChannelPipeline pipeline) {
    }

    /** The requests of a connection the codec decodes ahead of their answers; one more ends the connection. */
    int maxPipelined() {
        return CompactHttpHeaders.DEFAULT_MAX_PIPELINED;
    }

    abstract String aggregatorName();

    /** A new aggregator of whole requests, for one channel. */
    abstract ChannelHandler newAggregator();

    /** The port's own handlers, after the health checks. */
    abstract void addPortHandlers(ChannelPipeline pipeline);
}
