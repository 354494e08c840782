package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.session.EnqueueResult;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SocketStore#publish} did, session by session.
 *
 * @param deliveries one per addressed session, in no particular order
 * @param repeat whether this is the remembered answer of an earlier publish with the same request
 *     id ({@link SocketStore#publish(String, String, String, String)}): this call queued nothing,
 *     whatever the deliveries say (they are the first call's), so it is charged nothing
 */
public record Publication(List<Delivery> deliveries, boolean repeat) {

    public Publication {
        deliveries = List.copyOf(deliveries);
    }

    /** A publish that queued what {@code deliveries} say. */
    public Publication(List<Delivery> deliveries) {
        this(deliveries, false);
    }

    /** This answer given again to a repeat of its request. */
    public Publication asRepeat() {
        return new Publication(deliveries, true);
    }

    /** How many sessions this call queued the message for: {@link #queued()}, none for a {@link #repeat}. */
    public int queuedNow() {
        return repeat ? 0 : queued();
    }

    /**
     * What became of the message for one session.
     *
     * @param queueLength messages in the session's queue (not yet acknowledged) after the publish:
     *     with this one when {@link EnqueueResult#QUEUED}, the full queue when
     *     {@link EnqueueResult#QUEUE_FULL}, 0 otherwise
     */
    public record Delivery(String sessionId, EnqueueResult result, int queueLength) {

        public Delivery {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(result, "result");
        }
    }

    /** How many sessions queued the message. */
    public int queued() {
        return count(EnqueueResult.QUEUED);
    }

    /** How many sessions refused it because their queue was full. */
    public int queueFull() {
        return count(EnqueueResult.QUEUE_FULL);
    }

    private int count(EnqueueResult result) {
        int count = 0;
        for (Delivery delivery : deliveries) {
            if (delivery.result() == result) {
                count++;
            }
        }
        return count;
    }
}
