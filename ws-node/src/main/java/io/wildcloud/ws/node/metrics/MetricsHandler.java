package io.wildcloud.ws.node.metrics;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.node.http.NodeResponses;
import io.wildcloud.ws.node.http.RequestPaths;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /metrics} (Prometheus text format) and HEAD; any other method on it gets 405
 * with {@code Allow: GET, HEAD}. Passes every other path on. One instance per connection, on its
 * event loop.
 *
 * <p>The scrape is rendered off the event loops ({@link NodeMetrics#scrapeSoon()}: one render at a
 * time per node, shared by the scrapes waiting for it), and the connection's answers keep the
 * order of its requests: a scrape waits for the answers of the requests handed on before it (the
 * API answers them asynchronously), its render starts only then (so it counts what they did), and
 * the requests behind it wait here, the connection not reading, until its answer is written.
 */
public final class MetricsHandler extends ChannelDuplexHandler {

    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

    private final NodeMetrics metrics;
    /** Requests handed on whose answers have not been written yet. */
    private int answersOwed;
    /** The {@code /metrics} request being answered, waiting for its turn or its render; owned here. */
    private FullHttpRequest scrape;
    /** How many renders had started when {@link #scrape} arrived: any render numbered above may answer it. */
    private long scrapeArrived;
    private boolean rendering;
    /** Requests that arrived behind {@link #scrape}, in order; owned here. Null until one does. */
    private ArrayDeque<Waiting> behind;
    /** Nothing more is served: the connection closed or its last answer was written. */
    private boolean ended;
    /** {@link #answered} is handing on what waited: a scrape answered meanwhile leaves the rest to it. */
    private boolean draining;

    public MetricsHandler(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ended) {
            ReferenceCountUtil.release(msg);
        } else if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
        } else if (scrape != null) {
            if (behind == null) {
                behind = new ArrayDeque<>();
            }
            behind.add(new Waiting(request, metrics.renders()));
            ctx.channel().config().setAutoRead(false);
        } else {
            take(ctx, request, metrics.renders());
        }
    }

    /** A request behind a scrape, and how many renders had started when it arrived. */
    private record Waiting(FullHttpRequest request, long rendersBefore) {
    }

    private void take(ChannelHandlerContext ctx, FullHttpRequest request, long rendersBefore) {
        if (RequestPaths.path(request.uri()).equals(PATH)) {
            scrape = request;
            scrapeArrived = rendersBefore;
            ctx.channel().config().setAutoRead(false);
            answerInTurn(ctx);
        } else {
            answersOwed++;
            ctx.fireChannelRead(request);
        }
    }

    /** Starts the scrape's answer once every request before it is answered. */
    private void answerInTurn(ChannelHandlerContext ctx) {
        if (ended || scrape == null || rendering || answersOwed > 0) {
            return;
        }
        if (!NodeResponses.isRead(scrape)) {
            NodeResponses.readOnlyPath(ctx, scrape);
            answered(ctx);
            return;
        }
        SharedRenders.Rendered last = metrics.lastRender();
        if (last != null && last.number() > scrapeArrived) {
            // Rendered after this scrape arrived (pipelined scrapes behind one share its render).
            rendered(ctx, last, null);
            return;
        }
        rendering = true;
        metrics.scrapeSoon().whenComplete((body, error) -> ctx.executor().execute(() -> rendered(ctx, body, error)));
    }

    private void rendered(ChannelHandlerContext ctx, SharedRenders.Rendered body, Throwable error) {
        rendering = false;
        if (ended) {
            return; // released at the close
        }
        if (error != null) {
            log.error("{} rendering the metrics failed", ctx.channel().id(), error);
            NodeResponses.json(ctx, scrape, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "{\"error\":\"internal_error\",\"message\":\"The service failed; it logged why.\"}");
        } else {
            // The rendered bytes are shared by every scrape of the render: wrapped, not copied.
            NodeResponses.send(ctx, scrape, HttpResponseStatus.OK, CONTENT_TYPE, Unpooled.wrappedBuffer(body.text()));
        }
        answered(ctx);
    }

    /** The scrape's answer is written: the requests behind it go on, in order. */
    private void answered(ChannelHandlerContext ctx) {
        boolean keepAlive = HttpUtil.isKeepAlive(scrape);
        scrape.release();
        scrape = null;
        if (!keepAlive) {
            end(); // nothing is served behind an answer that closes the connection
            return;
        }
        if (draining) {
            return; // a loop up the stack goes on (a loop, not a recursion per pipelined scrape)
        }
        draining = true;
        try {
            while (scrape == null && behind != null && !behind.isEmpty() && !ended) {
                Waiting next = behind.poll();
                take(ctx, next.request(), next.rendersBefore());
            }
        } finally {
            draining = false;
        }
        if (scrape == null && (behind == null || behind.isEmpty()) && answersOwed == 0 && !ended) {
            ctx.channel().config().setAutoRead(true); // else whoever owes an answer reads on after it
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // The end of an answer of the handlers behind: a whole response, or a stream's last piece.
        boolean endsAnAnswer = msg instanceof LastHttpContent && answersOwed > 0
                && !(msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (endsAnAnswer && --answersOwed == 0 && scrape != null) {
            // Not from inside the writer's call: it may still be settling its own state.
            ctx.executor().execute(() -> answerInTurn(ctx));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    private void end() {
        ended = true;
        if (scrape != null) { // a render under way finds the connection ended and writes nothing
            scrape.release();
            scrape = null;
        }
        if (behind != null) {
            for (Waiting waiting; (waiting = behind.poll()) != null; ) {
                waiting.request().release();
            }
        }
    }
}
