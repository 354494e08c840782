package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.SocketStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The answers of the memory engine's publishes that carried a request id, for
 * {@link SocketStore#REQUEST_ID_WINDOW}: a repeat gets the first answer and queues nothing.
 * What is remembered is bounded by the callers' request-id counts ({@code SocketStore#countRequestIds}:
 * at most twice a count's bound in any window's length); beyond that, as a last guard, to
 * {@link #MAX_REMEMBERED} answers per application or four times the largest bound counted with, if
 * more (an application's own count and the shared one of publishes without a token each reach twice
 * it; the oldest go first, and their retries would be delivered again: the count keeps it from
 * happening). Per application: one bound for all let one tenant's publishes push every other
 * tenant's answers out. Applications are the configured few, so the whole stays bounded.
 */
final class RequestReplies {

    static final int MAX_REMEMBERED = 100_000;

    /**
     * A request as a repeat must match it: the message by its SHA-256, not itself (an application's
     * 100,000 answers holding their messages of up to 64 KiB were 6.5 GB of heap).
     */
    private record Request(String socketId, String sessionId, String requestId, ByteBuffer messageDigest) {
    }

    private record Reply(Publication publication, long atNanos) {
    }

    private final LongSupplier nanoClock;
    /** Answers per application kept at most (the oldest go first). */
    private long maxRemembered = MAX_REMEMBERED;
    private final long windowNanos = SocketStore.REQUEST_ID_WINDOW.toNanos();
    private final Map<String, Map<Request, Reply>> repliesByApplication = new HashMap<>();

    private final MessageDigest sha256;

    RequestReplies(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The remembered answer of this request of {@code application} ('' for a socket that does not
     * live), {@linkplain Publication#repeat marked a repeat}, or {@code publish}'s (then remembered
     * if it queued); without {@code newRequestId} a request that is not a repeat fails with
     * {@link NewRequestIdRefusedException} instead. One at a
     * time, so that two repeats arriving together still publish once; {@code publish} must not
     * publish with a request id itself.
     */
    synchronized Publication once(String application, String socketId, String sessionId, String requestId,
            String message, boolean newRequestId, Supplier<Publication> publish) {
        long now = nanoClock.getAsLong();
        Map<Request, Reply> replies = repliesByApplication.computeIfAbsent(application, name -> new LinkedHashMap<>());
        forgetOld(replies, now);
        Request request = new Request(socketId, sessionId, requestId, digest(message));
        Reply earlier = replies.get(request);
        if (earlier != null) {
            return earlier.publication().asRepeat();
        }
        if (!newRequestId) {
            throw new NewRequestIdRefusedException(socketId);
        }
        Publication publication = publish.get();
        // Only one that queued: one that queued nothing has nothing to repeat, and remembering it
        // let any caller push out others' answers with publishes to sockets that do not exist.
        if (publication != null && publication.queued() > 0) {
            replies.put(request, new Reply(publication, now));
        }
        return publication;
    }

    /** Keeps at least {@code answers} per application: four times a request-id count's bound (see the caller). */
    synchronized void rememberAtLeast(long answers) {
        maxRemembered = Math.max(maxRemembered, answers);
    }

    // Only under once's lock: one digest object, not a provider look-up per publish.
    private ByteBuffer digest(String message) {
        return ByteBuffer.wrap(sha256.digest(message.getBytes(StandardCharsets.UTF_8)));
    }

    private void forgetOld(Map<Request, Reply> replies, long now) {
        Iterator<Reply> oldest = replies.values().iterator();
        while (oldest.hasNext()) {
            Reply reply = oldest.next();
            if (now - reply.atNanos() < windowNanos && replies.size() < maxRemembered) {
                return;
            }
            oldest.remove();
        }
    }
}
