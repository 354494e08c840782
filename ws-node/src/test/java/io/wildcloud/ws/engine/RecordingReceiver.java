package io.wildcloud.ws.engine;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiver that records what a store calls, in order, and notices calls that overlap (which
 * the contract forbids).
 */
final class RecordingReceiver implements Receiver {

    private final ReceiverId id;
    private final List<QueuedMessage> messages = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicBoolean inCall = new AtomicBoolean();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile SockJsFrame closeFrame;
    private volatile boolean evicted;

    RecordingReceiver(String nodeId, long connectionId) {
        this.id = new ReceiverId(nodeId, connectionId);
    }

    @Override
    public ReceiverId id() {
        return id;
    }

    @Override
    public void onMessages(List<QueuedMessage> batch) {
        enter();
        try {
            synchronized (this) {
                messages.addAll(batch);
                events.add("messages " + batch.get(0).seq() + ".." + batch.get(batch.size() - 1).seq());
            }
        } finally {
            inCall.set(false);
        }
    }

    @Override
    public void onClosed(SockJsFrame frame) {
        enter();
        try {
            synchronized (this) {
                events.add("closed " + frame.text());
            }
            closeFrame = frame;
        } finally {
            inCall.set(false);
        }
    }

    @Override
    public void onEvicted() {
        enter();
        try {
            synchronized (this) {
                events.add("evicted");
            }
            evicted = true;
        } finally {
            inCall.set(false);
        }
    }

    private void enter() {
        if (!inCall.compareAndSet(false, true)) {
            overlaps.incrementAndGet();
        }
    }

    synchronized List<QueuedMessage> messages() {
        return List.copyOf(messages);
    }

    synchronized List<String> texts() {
        return messages.stream().map(QueuedMessage::message).toList();
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** What happened to this receiver, for failure messages. */
    synchronized String describe() {
        return id + " " + events;
    }

    synchronized int count() {
        return messages.size();
    }

    /** The seq of the last message given, or {@code otherwise} if none. */
    synchronized long lastSeq(long otherwise) {
        return messages.isEmpty() ? otherwise : messages.get(messages.size() - 1).seq();
    }

    SockJsFrame closeFrame() {
        return closeFrame;
    }

    boolean evicted() {
        return evicted;
    }

    int overlaps() {
        return overlaps.get();
    }
}
