package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wildcloud.ws.node.http.Refusal;
import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.TransportType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SockJsMetrics} on Micrometer. Every meter is registered up front, per transport and per
 * close reason, so a call is an array or enum-map lookup and an increment.
 */
public final class SockJsMeters implements SockJsMetrics {

    private final Map<TransportType, AtomicInteger> open = new EnumMap<>(TransportType.class);
    private final Map<TransportType, Counter> opened = new EnumMap<>(TransportType.class);
    /** Counts up where {@link #open} also counts down, so that a reader can see one connection come. */
    private final Map<TransportType, Counter> receiversTaken = new EnumMap<>(TransportType.class);
    private final Counter[] closed = new Counter[CloseReason.values().length];
    private final Counter messagesIn;
    private final Counter messagesOut;
    /** {@code ws.messages.in.refused} by the dimension of the limit a frame was over. */
    private final Counter[] messagesRefused = new Counter[ClientMessageLimit.Exceeded.values().length];
    /** {@code ws.websocket.closed} by close code: the codes of {@link SockJsMetrics#webSocketRefused}. */
    private final Map<Integer, Counter> webSocketRefused = new java.util.HashMap<>();
    private final Refusal.Counter publicRefusals;

    public SockJsMeters(MeterRegistry registry) {
        this(registry, Refusal.Counter.NONE);
    }

    /** @param publicRefusals the public port's {@code ws.http.refused}, which counts unknown sockets refused */
    public SockJsMeters(MeterRegistry registry, Refusal.Counter publicRefusals) {
        this.publicRefusals = publicRefusals;
        for (TransportType type : TransportType.values()) {
            if (type.role() == TransportType.Role.SENDING) {
                continue;
            }
            AtomicInteger count = new AtomicInteger();
            open.put(type, count);
            Gauge.builder("ws.sessions.open", count, AtomicInteger::get)
                    .description("Sessions with a connection on this node now (websocket, stream or held poll)")
                    .tag("transport", type.path())
                    .register(registry);
            opened.put(type, Counter.builder("ws.sessions.opened")
                    .description("Sessions created by this node")
                    .tag("transport", type.path())
                    .register(registry));
            receiversTaken.put(type, Counter.builder("ws.receivers.taken")
                    .description("Connections (websocket, stream, held poll) that took a session's receiver slot here")
                    .tag("transport", type.path())
                    .register(registry));
        }
        for (CloseReason reason : CloseReason.values()) {
            closed[reason.ordinal()] = Counter.builder("ws.sessions.closed")
                    .description("Sessions ended, counted on the node where the end took effect")
                    .tag("reason", reason.tag())
                    .register(registry);
        }
        messagesIn = Counter.builder("ws.messages.in")
                .description("Messages received from browsers and handed to the service")
                .register(registry);
        for (ClientMessageLimit.Exceeded exceeded : ClientMessageLimit.Exceeded.values()) {
            messagesRefused[exceeded.ordinal()] = Counter.builder("ws.messages.in.refused")
                    .description("Messages from browsers refused over their session's client message limit")
                    .tag("reason", exceeded.tag())
                    .register(registry);
        }
        messagesOut = Counter.builder("ws.messages.out")
                .description("Messages written to browsers")
                .register(registry);
        for (int code : REFUSAL_CLOSE_CODES) {
            webSocketRefused.put(code, Counter.builder("ws.websocket.closed")
                    .description("Websockets the node closed for their peer's fault, by close code")
                    .tag("code", String.valueOf(code))
                    .register(registry));
        }
    }

    /** Protocol error, invalid UTF-8, control-frame budget, message too big, request memory spent. */
    private static final int[] REFUSAL_CLOSE_CODES = {1002, 1007, 1008, 1009, 1013};

    @Override
    public void unknownEndpointRefused() {
        publicRefusals.count(Refusal.UNKNOWN_SOCKETS);
    }

    @Override
    public void webSocketRefused(int code) {
        Counter counter = webSocketRefused.get(code);
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void sessionOpened(TransportType transport) {
        Counter counter = opened.get(transport);
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void sessionClosed(CloseReason reason) {
        closed[reason.ordinal()].increment();
    }

    @Override
    public void connectionOpened(TransportType transport) {
        AtomicInteger count = open.get(transport);
        if (count != null) {
            count.incrementAndGet();
            receiversTaken.get(transport).increment();
        }
    }

    @Override
    public void connectionClosed(TransportType transport) {
        AtomicInteger count = open.get(transport);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    @Override
    public void messagesReceived(int count) {
        messagesIn.increment(count);
    }

    @Override
    public void messagesRefused(int count, ClientMessageLimit.Exceeded exceeded) {
        messagesRefused[exceeded.ordinal()].increment(count);
    }

    @Override
    public void messagesSent(int count) {
        messagesOut.increment(count);
    }
}
