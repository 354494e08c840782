package io.wildcloud.ws.node;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.util.function.Supplier;

/** The public port's pipeline: what browsers reach, through the balancer. */
final class PublicChannelInitializer extends PortInitializer {

    private final int maxBodyBytes;
    private final ClientScriptHandler clientScript;
    private final SockJsHandler sockjs;
    private final ConnectionGuards guards;

    PublicChannelInitializer(int maxBodyBytes, HealthHandler health, ClientScriptHandler clientScript,
                             SockJsHandler sockjs, DrainingConnections connections,
                             Supplier<WriteBacklogLimit> backlogLimit, ConnectionGuards guards, EventLoopGroup workers) {
        super(health, connections, backlogLimit, guards, workers);
        this.maxBodyBytes = maxBodyBytes;
        this.clientScript = clientScript;
        this.sockjs = sockjs;
        this.guards = guards;
    }

    @Override
    String aggregatorName() {
        return PipelineNames.HTTP_AGGREGATOR;
    }

    @Override
    ChannelHandler newAggregator() {
        return new HttpObjectAggregator(maxBodyBytes);
    }

    /** One request at a time, in order, whatever a client pipelines (the API handler orders its own). */
    @Override
    void addAfterIntake(ChannelPipeline pipeline) {
        guards.addInOrderServing(pipeline, PipelineNames.REQUEST_GUARD, PipelineNames.INTAKE_HANDOFF,
                PipelineNames.PIPELINED_REQUESTS);
    }

    @Override
    void addPortHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.CLIENT_SCRIPT, clientScript)
                .addLast(PipelineNames.SOCKJS, sockjs);
    }
}
