package io.wildcloud.ws.node.http;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One short line per client error (a malformed request, a timeout, a refused connection), at most
 * {@link #LINES_PER_WINDOW} per {@link #WINDOW_NANOS} for the whole node; past that, errors are
 * counted and the count is logged in one line when the next window opens. A flood of bad requests
 * thus costs a few lines, never a disk. Never a stack trace: the client's mistake is not ours.
 */
public final class ClientErrorLog {

    static final int LINES_PER_WINDOW = 20;
    static final long WINDOW_NANOS = 10_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(ClientErrorLog.class);

    private long windowStart = System.nanoTime();
    private int logged;
    private long suppressed;

    /** Logs {@code what} about {@code channel}'s client, or counts it when the window is full. */
    public void log(Channel channel, String what) {
        long suppressedBefore;
        synchronized (this) {
            long now = System.nanoTime();
            suppressedBefore = 0;
            if (now - windowStart >= WINDOW_NANOS) {
                suppressedBefore = suppressed;
                windowStart = now;
                logged = 0;
                suppressed = 0;
            }
            if (logged >= LINES_PER_WINDOW) {
                suppressed++;
                return;
            }
            logged++;
        }
        if (suppressedBefore > 0) {
            log.info("{} more client errors were not logged (at most {} lines per {} s)", suppressedBefore,
                    LINES_PER_WINDOW, WINDOW_NANOS / 1_000_000_000L);
        }
        log.info("{} client error: {}", channel, what);
    }
}
