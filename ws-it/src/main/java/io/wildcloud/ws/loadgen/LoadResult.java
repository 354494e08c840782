package io.wildcloud.ws.loadgen;

import com.google.gson.GsonBuilder;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures of one run, printed as text or JSON. */
public record LoadResult(
        int sessions,
        Map<String, Integer> sessionsByTransport,
        int sessionsFailed,
        long published,
        long publishErrors,
        long delivered,
        double publishSeconds,
        double deliveredPerSecond,
        double latencyP50Ms,
        double latencyP99Ms,
        double latencyP999Ms,
        double latencyMaxMs,
        long lost,
        long duplicated,
        long reordered) {

    static LoadResult of(int sessions, Map<String, Integer> byTransport, int failed, long published,
                         long publishErrors, DeliveryTracker tracker, double publishSeconds,
                         double deliverySeconds) {
        // Throughput counts until the last message arrived (or the grace ran out), not just the publishing.
        Histogram latency = tracker.totalLatency();
        return new LoadResult(sessions, byTransport, failed, published, publishErrors, tracker.delivered(),
                publishSeconds, deliverySeconds > 0 ? tracker.delivered() / deliverySeconds : 0,
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)),
                ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()),
                tracker.missing(), tracker.duplicated(), tracker.reordered());
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    public String toJson() {
        return new GsonBuilder().create().toJson(this);
    }

    public String toText() {
        return String.format(Locale.ROOT, """
                sessions            %d %s (%d failed to open)
                published           %d in %.2f s (%d errors)
                delivered           %d (%.0f messages/s)
                latency p50/p99/p99.9/max  %.3f / %.3f / %.3f / %.3f ms
                lost / duplicated / reordered  %d / %d / %d""",
                sessions, sessionsByTransport, sessionsFailed, published, publishSeconds, publishErrors,
                delivered, deliveredPerSecond, latencyP50Ms, latencyP99Ms, latencyP999Ms, latencyMaxMs,
                lost, duplicated, reordered);
    }
}
