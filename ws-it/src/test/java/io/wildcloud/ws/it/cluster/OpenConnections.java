package io.wildcloud.ws.it.cluster;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node serves now, from its API port's {@code /metrics}: the {@code ws.sessions.open}
 * gauge counts the connections (held polls, streams, websockets) that hold a session's receiver
 * slot there. Nothing on the wire shows when a node has taken a held poll as receiver; this does,
 * so that a test waits for it instead of sleeping.
 */
public final class OpenConnections {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    private OpenConnections() {
    }

    /** Connections of {@code transport} (a path: {@code xhr}, {@code xhr_streaming}) holding a session on the node. */
    public static int of(Http http, String apiUrl, String transport) {
        String metrics = http.get(apiUrl + "/metrics").bodyText();
        Matcher line = Pattern.compile("^ws_sessions_open\\{[^}]*transport=\"" + Pattern.quote(transport)
                + "\"[^}]*}\\s+([0-9.]+)", Pattern.MULTILINE).matcher(metrics);
        if (!line.find()) {
            throw new AssertionError("no ws_sessions_open gauge for " + transport + " at " + apiUrl + "/metrics");
        }
        return (int) Double.parseDouble(line.group(1));
    }

    /** Waits until the node holds more than {@code before} connections of {@code transport}. */
    public static void awaitMoreThan(Http http, String apiUrl, String transport, int before) {
        Waits.await(() -> of(http, apiUrl, transport) > before,
                () -> apiUrl + " took no new " + transport + " receiver (had " + before + ")", WITHIN);
    }
}
