package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.Utf8;
import io.wildcloud.ws.sockjs.MessagesRefusedException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client messages a node holds for callbacks not yet settled, in bytes, per application and in
 * all: a callback that hangs or fails holds each of its messages for up to the retry budget, one
 * at a time per session, while clients keep sending (every session may have a few sends waiting,
 * and its client may leave and open another). Without a bound a hostile client, or a tenant whose
 * callback hangs, filled the heap in seconds (1,680 sends of 60 KB from 7 sockets: a 256 MiB node
 * out of memory). A dispatch that would pass either bound is refused whole.
 *
 * <p>A frame (one dispatch) counts {@link #PER_FRAME_BYTES} and each of its messages its UTF-8 bytes
 * plus {@link #PER_MESSAGE_BYTES}: what waits is mostly not the text. An xhr_send waiting for its
 * callback keeps its request and its connection's pipeline, even after the client closed it: 48,000
 * waiting sends of {@code [""]} held 212 MB of heap (4.4 KB each) while their messages were 3 MB.
 *
 * <p>One socket (one end user, with all its tabs) may hold at most {@link #SOCKET_SHARE} of its
 * application's bound, but always one frame: else one user's 64 sessions with 4 waiting sends of
 * 64 KiB each fill the application's 16 MiB, and every other user of it on the node is refused
 * while its callback is slow.
 */
final class CallbackBacklog {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);

    /** What a message costs beyond its text: its string and list slot, its lane's share. */
    static final int PER_MESSAGE_BYTES = 64;
    /** What a frame costs beyond its messages: a waiting send's request and connection (~4.4 KB measured). */
    static final int PER_FRAME_BYTES = 4096;
    /** The part of its application's bound one socket may hold (when it already holds something). */
    static final int SOCKET_SHARE = 4;

    private final long maxBytes;
    private final long maxBytesPerApplication;
    private final long maxBytesPerSocket;
    private final ConcurrentMap<String, Application> applications = new ConcurrentHashMap<>();
    /** Bytes held per socket; an entry leaves at zero, so there are at most as many as frames held. Guarded by this. */
    private final Map<String, Long> sockets = new HashMap<>();
    private long bytes;

    CallbackBacklog(long maxBytes, long maxBytesPerApplication) {
        this.maxBytes = maxBytes;
        this.maxBytesPerApplication = Math.min(maxBytesPerApplication, maxBytes);
        this.maxBytesPerSocket = this.maxBytesPerApplication / SOCKET_SHARE;
    }

    static long bytesOf(List<String> messages) {
        long total = PER_FRAME_BYTES;
        for (String message : messages) {
            total += Utf8.length(message) + PER_MESSAGE_BYTES;
        }
        return total;
    }

    /**
     * Counts {@code size} bytes for {@code socket} of {@code application}; or, over a bound, refuses
     * them (nothing counted).
     */
    void reserve(String application, String socket, long size) {
        Application held = applications.computeIfAbsent(application, name -> new Application());
        String refusal = null;
        synchronized (this) {
            long socketHeld = sockets.getOrDefault(socket, 0L);
            if (socketHeld > 0 && socketHeld + size > maxBytesPerSocket) {
                refusal = "socket's share of its application's";
            } else if (held.bytes + size > maxBytesPerApplication) {
                refusal = "application";
            } else if (bytes + size > maxBytes) {
                refusal = "node";
            } else {
                sockets.put(socket, socketHeld + size);
                held.bytes += size;
                bytes += size;
                return;
            }
            // One line when an application starts being refused, the next only once its backlog has
            // drained to half since: a backlog held at its bound refuses and takes in turn.
            if (held.refusing) {
                refusal = null;
            } else {
                held.refusing = true;
            }
        }
        if (refusal != null) {
            log.info("callbacks of application {}: messages refused, the {} backlog of messages waiting for "
                    + "callbacks is full ({} bytes at most for an application, {} for the node)", application,
                    refusal, maxBytesPerApplication, maxBytes);
        }
        throw new CallbackBacklogFullException(maxBytesPerApplication, maxBytes);
    }

    /** The bytes of settled messages, counted by {@link #reserve}. */
    void release(String application, String socket, long size) {
        Application held = applications.get(application);
        synchronized (this) {
            long socketLeft = sockets.getOrDefault(socket, 0L) - size;
            if (socketLeft > 0) {
                sockets.put(socket, socketLeft);
            } else {
                sockets.remove(socket);
            }
            bytes -= size;
            if (held != null) {
                held.bytes -= size;
                if (held.bytes <= maxBytesPerApplication / 2 && bytes <= maxBytes / 2) {
                    held.refusing = false;
                }
            }
        }
    }

    /** Applications are a configured few: their entries are kept. Guarded by the backlog. */
    private static final class Application {
        long bytes;
        boolean refusing;
    }

    /** The backlog is full: the client's messages are refused whole. */
    static final class CallbackBacklogFullException extends MessagesRefusedException {
        CallbackBacklogFullException(long perApplication, long node) {
            super("callback_backlog_full", "Too many messages of this application wait for its callback on this node"
                    + " (at most " + perApplication + " bytes for an application, a " + SOCKET_SHARE
                    + "th of that for one socket, " + node + " in all);"
                    + " none of these was taken: send them again later.",
                    CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.CALLBACK_BACKLOG_FULL_REASON);
        }
    }
}
