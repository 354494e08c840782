package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.SocketStore;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The answers of the memory engine's publishes that carried a request id, for
 * {@link SocketStore#REQUEST_ID_WINDOW}: a repeat gets the first answer and queues nothing.
 * Bounded to {@link #MAX_REMEMBERED} answers (the oldest go first).
 */
final class RequestReplies {

    static final int MAX_REMEMBERED = 100_000;

    private record Request(String socketId, String sessionId, String requestId, String message) {
    }

    private record Reply(Publication publication, long atNanos) {
    }

    private final LongSupplier nanoClock;
    private final long windowNanos = SocketStore.REQUEST_ID_WINDOW.toNanos();
    private final Map<Request, Reply> replies = new LinkedHashMap<>();

    RequestReplies(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * The remembered answer of this request, or {@code publish}'s (then remembered if it queued). One at a
     * time, so that two repeats arriving together still publish once; {@code publish} must not
     * publish with a request id itself.
     */
    synchronized Publication once(String socketId, String sessionId, String requestId, String message,
            Supplier<Publication> publish) {
        long now = nanoClock.getAsLong();
        forgetOld(now);
        Request request = new Request(socketId, sessionId, requestId, message);
        Reply earlier = replies.get(request);
        if (earlier != null) {
            return earlier.publication();
        }
        Publication publication = publish.get();
        // Only one that queued: one that queued nothing has nothing to repeat, and remembering it
        // let any caller push out others' answers with publishes to sockets that do not exist.
        if (publication != null && publication.queued() > 0) {
            replies.put(request, new Reply(publication, now));
        }
        return publication;
    }

    private void forgetOld(long now) {
        Iterator<Reply> oldest = replies.values().iterator();
        while (oldest.hasNext()) {
            Reply reply = oldest.next();
            if (now - reply.atNanos() < windowNanos && replies.size() < MAX_REMEMBERED) {
                return;
            }
            oldest.remove();
        }
    }
}
