package io.wildcloud.ws.faults;

import java.time.Duration;
import java.util.Locale;

/**
 * What one fault did, as measured: when it began (since the rig's load started), how long until
 * every node's {@code /health/ready} said 503 and, after the repair, 200 again (null: not
 * measured for this fault, or never seen within the wait).
 */
public record FaultRecord(String fault, String target, Duration at, Duration red, Duration green, Duration lasted) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t=%6.1fs %-20s %-8s red after %s, green %s after the repair, lasted %.1f s",
                at.toMillis() / 1e3, fault, target, millis(red), millis(green), lasted.toMillis() / 1e3);
    }

    private static String millis(Duration duration) {
        return duration == null ? "-" : duration.toMillis() + " ms";
    }
}
