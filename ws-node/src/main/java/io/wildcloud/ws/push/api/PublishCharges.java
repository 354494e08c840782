package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.PublishBudget;
import io.wildcloud.ws.push.PublishBudgetExceededException;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushMetrics.PublishOutcome;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Charges publishes to their application's {@link PublishBudget} before they touch the store: one
 * reservation per request (a single publish or a whole batch) of its worst case, refused with 413
 * {@code fan_out_too_large} when that passes the burst (it never could pass) and with
 * {@link PublishBudgetExceededException} (429) while the application is in debt.
 */
final class PublishCharges {

    private final PublishBudget budget;
    private final int maxSessionsPerSocket;
    private final PushMetrics metrics;

    PublishCharges(PublishBudget budget, int maxSessionsPerSocket, PushMetrics metrics) {
        this.budget = budget;
        this.maxSessionsPerSocket = maxSessionsPerSocket;
        this.metrics = metrics;
    }

    /** The most a message of {@code bytes} can queue: once per session a socket may have, or once. */
    long worstCase(String sessionId, long bytes) {
        return sessionId == null ? bytes * maxSessionsPerSocket : bytes;
    }

    /**
     * Reserves {@code worstCaseBytes} of the caller's budget for {@code publishes} publishes (a
     * batch's targets); the ones refused are counted as {@link PublishOutcome#OVER_BUDGET}.
     */
    PublishBudget.Reservation reserve(Optional<Application> caller, long worstCaseBytes, int publishes) {
        try {
            if (worstCaseBytes > budget.burst()) {
                throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.FAN_OUT_TOO_LARGE,
                        "This publish could queue " + worstCaseBytes + " bytes (each message's UTF-8 bytes times"
                                + " every session it addresses: " + maxSessionsPerSocket + " for a socket, the node's"
                                + " sessions-per-socket), more than an application may queue at once on a node ("
                                + budget.burst() + ", application-publish-byte-burst). Nothing was published:"
                                + " split the batch, or name sessions instead of whole sockets.");
            }
            return budget.reserve(caller.map(Application::name).orElse(PublishBudget.ANONYMOUS), worstCaseBytes);
        } catch (RuntimeException e) {
            for (int i = 0; i < publishes; i++) {
                metrics.published(PublishOutcome.OVER_BUDGET, 0);
            }
            throw e;
        }
    }

    /**
     * Settles {@code reservation} with what its publish queued: {@code queuedBytes} when it was
     * answered, nothing when it failed, all of it when the store did not answer. Such a call may
     * still run (Redis runs what sat in its socket buffer once a stall ends): refunding it would let
     * every stall past the command timeout queue a free burst.
     */
    static void settle(PublishBudget.Reservation reservation, Throwable error, LongSupplier queuedBytes) {
        if (error == null) {
            reservation.settle(queuedBytes.getAsLong());
        } else if (Causes.unwrap(error) instanceof StoreOutcomeUnknownException) {
            reservation.keep();
        } else {
            reservation.settle(0);
        }
    }
}
