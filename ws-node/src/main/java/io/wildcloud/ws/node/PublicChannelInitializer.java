package io.wildcloud.ws.node;

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
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.http.SockJsHandler;
import java.util.function.Supplier;

/** The public port's pipeline: what browsers reach, through the balancer. */
final class PublicChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final int maxBodyBytes;
    private final HealthHandler health;
    private final ClientScriptHandler clientScript;
    private final SockJsHandler sockjs;
    private final DrainingConnections connections;
    private final Supplier<WriteBacklogLimit> backlogLimit;
    private final ConnectionGuards guards;
    /** Where a connection moves from the intake loop once it asks for anything but health. */
    private final EventLoopGroup workers;

    PublicChannelInitializer(int maxBodyBytes, HealthHandler health, ClientScriptHandler clientScript,
                             SockJsHandler sockjs, DrainingConnections connections,
                             Supplier<WriteBacklogLimit> backlogLimit, ConnectionGuards guards, EventLoopGroup workers) {
        this.workers = workers;
        this.connections = connections;
        this.backlogLimit = backlogLimit;
        this.guards = guards;
        this.maxBodyBytes = maxBodyBytes;
        this.health = health;
        this.clientScript = clientScript;
        this.sockjs = sockjs;
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
                .addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(maxBodyBytes))
                .addLast(PipelineNames.HEALTH, health)
                .addLast(PipelineNames.CLIENT_SCRIPT, clientScript)
                .addLast(PipelineNames.SOCKJS, sockjs);
        guards.addGuard(ch.pipeline(), PipelineNames.HTTP_CODEC, PipelineNames.BYTE_WATCHER, PipelineNames.REQUEST_GUARD);
        ch.pipeline().addAfter(PipelineNames.REQUEST_GUARD, PipelineNames.INTAKE_HANDOFF, new IntakeHandoff(workers));
    }
}
