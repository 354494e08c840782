package io.wildcloud.ws.node;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.wildcloud.ws.edge.PipelineNames;
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
final class ApiChannelInitializer extends PortInitializer {

    private final Supplier<ChannelHandler> metrics;
    private final Supplier<ChannelHandler> aggregators;
    private final Supplier<ChannelHandler> apiHandlers;

    /**
     * @param metrics a connection's {@link MetricsHandler}s; {@code null}: no {@code /metrics} (the
     *     start-up warm-up's private API port)
     * @param apiHandlers {@code null} when the node serves no API (protocol-test mode)
     */
    ApiChannelInitializer(HealthHandler health, Supplier<ChannelHandler> metrics, Supplier<ChannelHandler> aggregators,
                          Supplier<ChannelHandler> apiHandlers, DrainingConnections connections,
                          Supplier<WriteBacklogLimit> backlogLimit, ConnectionGuards guards, EventLoopGroup workers) {
        super(health, connections, backlogLimit, guards, workers);
        this.metrics = metrics;
        this.aggregators = aggregators;
        this.apiHandlers = apiHandlers;
    }

    /**
     * An application or a scraper may pipeline more than Netty's 128 requests in one write (a
     * backlog of publishes, a scraper that does not read), and the answers of the API and of
     * {@code /metrics} are asynchronous: the whole write is decoded before the first is answered.
     * What waits is bounded by this count and by what one read brings: the connection stops reading
     * while a request waits.
     */
    static final int MAX_PIPELINED = 1024;

    @Override
    int maxPipelined() {
        return MAX_PIPELINED;
    }

    @Override
    String aggregatorName() {
        return PipelineNames.API_AGGREGATOR;
    }

    @Override
    ChannelHandler newAggregator() {
        return aggregators != null ? aggregators.get() : new HttpObjectAggregator(64 * 1024);
    }

    @Override
    void addPortHandlers(ChannelPipeline pipeline) {
        if (metrics != null) {
            pipeline.addLast(PipelineNames.METRICS, metrics.get());
        }
        pipeline.addLast(PipelineNames.API, apiHandlers != null ? apiHandlers.get() : new NotFoundHandler());
    }
}
