package io.wildcloud.ws.loadgen;

import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes through the HTTP API over a fixed set of keep-alive HTTP/1.1 connections per API URL,
 * one request in flight per connection (no pipelining). A publish waits here for the next free
 * connection, in order; its message is stamped when it is written, so time spent waiting here is
 * not counted as the service's latency. Free connections are taken in turn, so the API URLs share
 * the load by how fast each answers.
 */
public final class HttpPublisher implements AutoCloseable {

    private static final long RECONNECT_DELAY_MILLIS = 1_000;

    private final ClientLoops loops;
    private final List<PublishConnection> connections = new ArrayList<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final Object lock = new Object();
    /** Connections without a request, guarded by {@link #lock}. */
    private final ArrayDeque<PublishConnection> idle = new ArrayDeque<>();
    /** Publishes waiting for a free connection, guarded by {@link #lock}. */
    private final ArrayDeque<Publish> waiting = new ArrayDeque<>();
    private volatile boolean closed;

    public HttpPublisher(ClientLoops loops, List<URI> apiUrls, int connectionsPerUrl) {
        this(loops, apiUrls, connectionsPerUrl, 0, Target.SOCKJS);
    }

    /**
     * {@code messageBytes}: every message padded to that size ({@link DeliveryTracker#payload(long, long, int)});
     * {@code target}: the server's publish request (ours, or Nchan's; batches are ours only).
     */
    public HttpPublisher(ClientLoops loops, List<URI> apiUrls, int connectionsPerUrl, int messageBytes, Target target) {
        this.loops = loops;
        for (int i = 0; i < connectionsPerUrl; i++) {
            for (URI url : apiUrls) {
                if (!"http".equals(url.getScheme())) {
                    throw new IllegalArgumentException("the publisher speaks plain HTTP; API URL " + url + " is not http://");
                }
                connections.add(new PublishConnection(this, loops.group().next(), url, messageBytes, target));
            }
        }
    }

    /** Opens every connection; fails if one cannot be opened. */
    public void connect() throws IOException, InterruptedException {
        List<ChannelFuture> opening = new ArrayList<>();
        for (PublishConnection connection : connections) {
            opening.add(connection.connect(loops.bootstrap()));
        }
        for (ChannelFuture open : opening) {
            if (!open.await().isSuccess()) {
                throw new IOException("cannot open an API connection: " + open.cause().getMessage(), open.cause());
            }
        }
    }

    /**
     * Publishes message {@code <seq>:<nanos written>} ({@link DeliveryTracker#payload}) to every
     * session of {@code socketId}; completes with the HTTP status, or exceptionally if the
     * connection failed or the answer took too long. A 200's count of sessions the message was
     * queued for is then in {@link Publish#sessions()}.
     */
    public Publish publish(String socketId, long seq) {
        return submit(new Publish(new String[] {socketId}, new long[] {seq}, false));
    }

    /**
     * Publishes message {@code <seqs[i]>:<nanos written>} to every session of {@code socketIds[i]},
     * all in one batch request ({@code POST /publish}, a message per target); completes with the
     * HTTP status (200 when the batch was processed: a target the node could not publish to shows
     * as a message never delivered).
     */
    public CompletableFuture<Integer> publishBatch(String[] socketIds, long[] seqs) {
        return submit(new Publish(socketIds, seqs, true));
    }

    private Publish submit(Publish publish) {
        if (closed) {
            publish.completeExceptionally(new IOException("publisher closed"));
            return publish;
        }
        PublishConnection connection;
        synchronized (lock) {
            connection = idle.pollFirst();
            if (connection == null) {
                waiting.addLast(publish);
                return publish;
            }
        }
        connection.send(publish);
        return publish;
    }

    /** {@code connection} has no request in flight: it takes the next waiting publish or goes idle. */
    void ready(PublishConnection connection) {
        Publish next;
        synchronized (lock) {
            next = waiting.pollFirst();
            if (next == null) {
                idle.addLast(connection);
                return;
            }
        }
        connection.send(next);
    }

    void opened() {
        connected.incrementAndGet();
    }

    /** {@code connection}'s channel closed (the server's {@code Connection: close}, an error, a timeout). */
    void disconnected(PublishConnection connection) {
        connected.decrementAndGet();
        synchronized (lock) {
            idle.remove(connection);
        }
        if (!closed) {
            connection.reconnect(loops.bootstrap(), 0);
        }
    }

    /**
     * A (re)connect failed. Publishes keep waiting while some connection is up; with none left
     * they fail, so a dead API cannot stall the run.
     */
    void connectFailed(PublishConnection connection, Throwable cause) {
        if (closed) {
            return;
        }
        if (connected.get() == 0) {
            failWaiting(new IOException("no API connection: " + cause.getMessage(), cause));
        }
        connection.reconnect(loops.bootstrap(), RECONNECT_DELAY_MILLIS);
    }

    private void failWaiting(Throwable cause) {
        List<Publish> failed;
        synchronized (lock) {
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        failed.forEach(publish -> publish.completeExceptionally(cause));
    }

    @Override
    public void close() {
        closed = true;
        connections.forEach(PublishConnection::close);
        failWaiting(new IOException("publisher closed"));
    }

    /** One publish request (a single publish, or a batch): what to send, and its outcome (the HTTP status). */
    public static final class Publish extends CompletableFuture<Integer> {
        final String[] socketIds;
        final long[] seqs;
        final boolean batch;
        /** A single publish's answer: how many sessions it was queued for; -1 until answered 200, or if not said. */
        volatile int sessions = -1;

        Publish(String[] socketIds, long[] seqs, boolean batch) {
            this.socketIds = socketIds;
            this.seqs = seqs;
            this.batch = batch;
        }

        /** See {@link #sessions}; read once the publish completed. */
        int sessions() {
            return sessions;
        }
    }
}
