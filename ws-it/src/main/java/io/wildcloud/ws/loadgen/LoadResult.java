package io.wildcloud.ws.loadgen;

import com.google.gson.GsonBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one run, printed as text or JSON. Everything but the warm-up fields covers the
 * measured phase only.
 */
public record LoadResult(
        int sessions,
        Map<String, Integer> sessionsByTransport,
        int sessionsFailed,
        long warmupPublished,
        long warmupLost,
        long published,
        long publishErrors,
        Map<String, Long> publishErrorsByStatus,
        long publishedToNoSession,
        long malformed,
        long delivered,
        double publishSeconds,
        double deliveredPerSecond,
        double latencyP50Ms,
        double latencyP99Ms,
        double latencyP999Ms,
        double latencyMaxMs,
        long lost,
        long duplicated,
        long reordered,
        long reopened,
        long closedByClient,
        long lostInClosedSessions,
        long lostInOpenSessions,
        Map<String, DeliveryTracker.TransportFigures> transports,
        List<LostMessage> lostMessages,
        List<RepeatedMessage> repeatedMessages,
        List<EndedSession> endedSessions) {

    /** At most this many lost messages (those in sessions that stayed open first) and repeats are listed. */
    public static final int LOST_LISTED = 1_000;

    static LoadResult of(int sessions, Map<String, Integer> byTransport, int failed, long warmupPublished,
                         DeliveryTracker tracker, long published, long publishErrors,
                         Map<String, Long> publishErrorsByStatus, long publishedToNoSession, double publishSeconds,
                         double deliverySeconds) {
        // Throughput counts until the last message arrived (or the grace ran out), not just the publishing.
        DeliveryTracker.Phase measured = tracker.measured();
        Histogram latency = measured.totalLatency();
        Map<String, DeliveryTracker.TransportFigures> transports = tracker.byTransport(measured);
        long reopened = transports.values().stream().mapToLong(DeliveryTracker.TransportFigures::reopened).sum();
        long lostClosed = transports.values().stream()
                .mapToLong(DeliveryTracker.TransportFigures::lostInClosedSessions).sum();
        long lostOpen = transports.values().stream()
                .mapToLong(DeliveryTracker.TransportFigures::lostInOpenSessions).sum();
        return new LoadResult(sessions, byTransport, failed, warmupPublished, tracker.warmup().missing(),
                published, publishErrors, publishErrorsByStatus, publishedToNoSession, tracker.malformed(),
                measured.delivered(),
                publishSeconds, deliverySeconds > 0 ? measured.delivered() / deliverySeconds : 0,
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)),
                ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()),
                measured.missing(), measured.duplicated(), measured.reordered(), reopened, tracker.closedByClient(),
                lostClosed, lostOpen,
                transports, tracker.lostMessages(measured, LOST_LISTED), tracker.repeatedMessages(),
                tracker.endedSessions());
    }

    /**
     * Nothing lost in a session that stayed open (warm-up included), nothing repeated, every session
     * opened. Messages lost with a session a fault or its own client ({@code --churn}) closed are
     * reported apart ({@link #lostInClosedSessions}): the service does not promise those.
     */
    public boolean clean() {
        return lostInOpenSessions == 0 && warmupLost == 0 && duplicated == 0 && sessionsFailed == 0;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    public String toJson() {
        return new GsonBuilder().create().toJson(this);
    }

    public String toText() {
        StringBuilder perTransport = new StringBuilder();
        transports.forEach((transport, figures) -> perTransport.append(String.format(Locale.ROOT,
                "%n  %-14s %d sessions, %d reopened, lost %d in closed / %d in open sessions, %d duplicated,"
                        + " %d requests failed and sent again",
                transport, figures.sessions(), figures.reopened(), figures.lostInClosedSessions(),
                figures.lostInOpenSessions(), figures.duplicated(), figures.failedRequests())));
        return String.format(Locale.ROOT, """
                sessions            %d %s (%d failed to open)
                warm-up             %d published before measuring, %d lost
                published           %d in %.2f s (%d errors %s)
                delivered           %d (%.0f messages/s)
                latency p50/p99/p99.9/max  %.3f / %.3f / %.3f / %.3f ms
                lost / duplicated / reordered  %d / %d / %d
                lost in sessions a fault closed / that stayed open  %d / %d (%d sessions reopened)
                per transport%s""",
                sessions, sessionsByTransport, sessionsFailed, warmupPublished, warmupLost, published, publishSeconds, publishErrors, publishErrorsByStatus,
                delivered, deliveredPerSecond, latencyP50Ms, latencyP99Ms, latencyP999Ms, latencyMaxMs,
                lost, duplicated, reordered, lostInClosedSessions, lostInOpenSessions, reopened, perTransport)
                + churned() + noSession() + firstLost();
    }

    // Only with --churn: the sessions closed by their clients count among those closed above.
    private String churned() {
        return closedByClient == 0 ? "" : String.format(Locale.ROOT,
                "%n  %d sessions closed by their own clients (--churn) and opened again; what was lost with them"
                        + " counts as lost in closed sessions", closedByClient);
    }

    // Only when it happened: publishes the API accepted but queued for no session of their socket,
    // and messages that arrived unreadable (each then counts as lost: its seq is unknown).
    private String noSession() {
        return (publishedToNoSession == 0 ? "" : String.format(Locale.ROOT,
                "%n  %d publishes answered 200 but queued for no session (the socket's index had none)",
                publishedToNoSession))
                + (malformed == 0 ? "" : String.format(Locale.ROOT,
                "%n  %d messages arrived malformed (not counted as received)", malformed));
    }

    // The first few lost in sessions that stayed open, repeats and ended sessions: what each was beside.
    private String firstLost() {
        StringBuilder text = new StringBuilder();
        lostMessages.stream().filter(LostMessage::inOpenSession).limit(10)
                .forEach(lost -> text.append("\n  lost: ").append(lost));
        repeatedMessages.stream().limit(10).forEach(repeat -> text.append("\n  repeated: ").append(repeat));
        endedSessions.stream().limit(10).forEach(ended -> text.append("\n  ended: ").append(ended));
        return text.toString();
    }
}
