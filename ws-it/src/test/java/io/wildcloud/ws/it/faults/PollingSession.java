package io.wildcloud.ws.it.faults;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.time.Duration;

/**
 * An xhr-polling client on a thread of its own: polls, handles the frame, polls again, until the
 * session closes, a 404 says the session is unknown, or it is closed. A request that fails (the
 * node died under it) is logged as a failure and made again, as a patient client would; at most
 * 2000 requests and each read waits three heartbeats at most.
 */
final class PollingSession extends ClientSession {

    private static final int MAX_REQUESTS = 2000;

    private final Http http = new Http(FaultCluster.HEARTBEAT.multipliedBy(3));
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int lastStatus;

    PollingSession(String socketId, String base) {
        super(socketId, base);
        thread = new Thread(this::run, "poll-" + sessionId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        for (int i = 0; i < MAX_REQUESTS && !stopped; i++) {
            String url = url("xhr");
            RawResponse response;
            try {
                response = http.post(url);
            } catch (RuntimeException | AssertionError e) {
                failed("poll " + url + ": " + e);
                pause();
                continue;
            }
            lastStatus = response.status();
            String frame = response.bodyText().strip();
            log(response.status() + " " + abbreviate(frame) + " connection=" + response.header("connection")
                    + " from " + url);
            if (response.status() == 404) {
                return;
            }
            if (response.status() != 200) {
                pause();
                continue;
            }
            if (!frame(frame)) {
                return;
            }
        }
    }

    int lastStatus() {
        return lastStatus;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    private void pause() {
        try {
            Thread.sleep(100); // a client's back-off before it polls again, not a test's wait
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
