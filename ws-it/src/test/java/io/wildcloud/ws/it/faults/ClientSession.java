package io.wildcloud.ws.it.faults;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SockJS session as a test client sees it: the messages it received in order, the close frame
 * if one came, and a log of what happened on the wire (responses, reconnects, failures), for
 * assertions and failure messages. Thread-safe: a client thread writes, the test reads.
 */
abstract class ClientSession implements AutoCloseable {

    final String socketId;
    final String sessionId = "s" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    /** Where the next request goes: a node directly, or the balancer. Tests switch it. */
    final AtomicReference<String> base;
    private final List<String> messages = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private boolean opened;
    private String closeFrame;
    private int failures;

    ClientSession(String socketId, String base) {
        this.socketId = socketId;
        this.base = new AtomicReference<>(base);
    }

    /** {@code <base>/000/<session>/<transport>} */
    String url(String transport) {
        return base.get() + "/000/" + sessionId + "/" + transport;
    }

    /** Handles one SockJS frame; returns false once the session has closed. */
    synchronized boolean frame(String frame) {
        if (frame.equals("o")) {
            opened = true;
        } else if (frame.startsWith("a")) {
            JsonArray array = JsonParser.parseString(frame.substring(1)).getAsJsonArray();
            array.forEach(element -> messages.add(element.getAsString()));
        } else if (frame.startsWith("c")) {
            closeFrame = frame;
            log("close frame " + frame);
            return false;
        } else if (!frame.equals("h")) {
            throw new AssertionError("session " + sessionId + ": not a SockJS frame: '" + frame + "'");
        }
        return true;
    }

    synchronized void log(String event) {
        log.add(event);
    }

    synchronized void failed(String what) {
        failures++;
        log.add("FAILED " + what);
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    synchronized int received() {
        return messages.size();
    }

    synchronized boolean isOpened() {
        return opened;
    }

    synchronized String closeFrame() {
        return closeFrame;
    }

    synchronized int failures() {
        return failures;
    }

    synchronized List<String> events() {
        return List.copyOf(log);
    }

    void awaitOpen() {
        Waits.await(this::isOpened,
                () -> "session " + sessionId + " open " + this, Duration.ofSeconds(15));
    }

    void awaitReceived(int count, Duration timeout) {
        Waits.await(() -> received() >= count,
                () -> "session " + sessionId + " received " + count + " messages " + this, timeout);
    }

    /** Stops the client: no request or read after this. */
    @Override
    public abstract void close();

    @Override
    public synchronized String toString() {
        return getClass().getSimpleName() + " " + sessionId + ": " + messages.size() + " message(s), close "
                + closeFrame + ", failures " + failures + ", last events "
                + log.subList(Math.max(0, log.size() - 12), log.size());
    }
}
