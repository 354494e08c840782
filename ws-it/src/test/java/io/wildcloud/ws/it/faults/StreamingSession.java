package io.wildcloud.ws.it.faults;

import io.wildcloud.ws.it.http.Http;
import java.time.Duration;

/**
 * An xhr-streaming client on a thread of its own: opens the stream, handles each frame as its
 * chunk arrives, and when the response ends (the terminating chunk) or breaks, opens it again (a
 * break is logged as a failure). Stops when the session closes or on 404. At most 500 streams.
 */
final class StreamingSession extends ClientSession {

    private static final int MAX_STREAMS = 500;

    private final Http http = new Http(FaultCluster.HEARTBEAT.multipliedBy(3));
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Http.Stream current;
    private volatile int streams;
    private volatile int lastStatus;

    StreamingSession(String socketId, String base) {
        super(socketId, base);
        thread = new Thread(this::run, "stream-" + sessionId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        for (int i = 0; i < MAX_STREAMS && !stopped; i++) {
            String url = url("xhr_streaming");
            streams++;
            try (Http.Stream stream = http.open("POST", url)) {
                current = stream;
                lastStatus = stream.head().status();
                log(stream.head().status() + " stream opened, connection=" + stream.header("connection")
                        + " from " + url);
                if (stream.head().status() == 404) {
                    return;
                }
                if (stream.head().status() != 200) {
                    pause();
                    continue;
                }
                if (!readFrames(stream)) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                if (stopped) {
                    return;
                }
                failed("stream " + url + ": " + e);
                pause();
            }
        }
    }

    /** Reads until the response ends (true: open the next one) or the session closes (false). */
    private boolean readFrames(Http.Stream stream) {
        for (int chunks = 0; chunks < 1_000_000; chunks++) {
            String chunk = stream.nextChunk();
            if (chunk.isEmpty()) {
                log("stream ended with the terminating chunk");
                return true;
            }
            for (String line : chunk.split("\n")) {
                if (line.isEmpty() || line.chars().allMatch(c -> c == 'h') && line.length() > 1) {
                    continue; // the 2 KiB prelude
                }
                if (!frame(line)) {
                    return false;
                }
            }
        }
        throw new AssertionError("too many chunks");
    }

    int lastStatus() {
        return lastStatus;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    int streams() {
        return streams;
    }

    private void pause() {
        try {
            Thread.sleep(100); // a client's back-off before it reconnects, not a test's wait
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    @Override
    public void close() {
        stopped = true;
        Http.Stream stream = current;
        if (stream != null) {
            stream.close();
        }
        thread.interrupt();
    }
}
