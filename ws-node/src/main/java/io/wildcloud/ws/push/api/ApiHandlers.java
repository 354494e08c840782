package io.wildcloud.ws.push.api;

import io.netty.channel.ChannelHandler;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;

/** Makes the per-channel handlers of the API port, sharing one set of routes. */
public final class ApiHandlers {

    private final ApiRoutes routes;
    private final int maxApiBodyBytes;

    public ApiHandlers(ApplicationRegistry applications, PushOperations operations, int maxMessageBytes,
            int maxApiBodyBytes) {
        this(applications, operations, maxMessageBytes, maxApiBodyBytes, ApiAccess.defaults());
    }

    public ApiHandlers(ApplicationRegistry applications, PushOperations operations, int maxMessageBytes,
            int maxApiBodyBytes, ApiAccess access) {
        this(applications, operations, maxMessageBytes, maxApiBodyBytes, PushLimits.DEFAULT_MAX_PUBLISH_TARGETS,
                access);
    }

    /** @param maxPublishTargets targets one batch publish may name (413 {@code too_many_targets} beyond) */
    public ApiHandlers(ApplicationRegistry applications, PushOperations operations, int maxMessageBytes,
            int maxApiBodyBytes, int maxPublishTargets, ApiAccess access) {
        this.routes = new ApiRoutes(applications, operations, maxMessageBytes, maxPublishTargets, access);
        this.maxApiBodyBytes = maxApiBodyBytes;
    }

    public ChannelHandler newAggregator() {
        return new JsonHttpObjectAggregator(maxApiBodyBytes);
    }

    public ChannelHandler newHandler() {
        return new ApiHandler(routes);
    }
}
