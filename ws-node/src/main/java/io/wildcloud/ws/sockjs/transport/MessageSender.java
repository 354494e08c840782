package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.MessagesRefusedException;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What xhr_send and jsonp_send share: check the payload, find the session in the store, hand the
 * messages to the service and answer once it took them (which keeps a session's messages in
 * order when its sends land on different nodes).
 */
abstract class MessageSender implements HttpTransport {

    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);

    private final SockJsRuntime runtime;
    private final TransportType type;

    MessageSender(SockJsRuntime runtime, TransportType type) {
        this.runtime = runtime;
        this.type = type;
    }

    /** The JSON payload of the request, {@code null} or empty if it carries none. */
    abstract String payload(SockJsRequest request);

    /** The success answer, without the common headers. */
    abstract FullHttpResponse accepted(ChannelHandlerContext ctx, SockJsRequest request);

    @Override
    public final void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint,
            SessionKey key) {
        String payload = payload(request);
        if (payload == null || payload.isEmpty()) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Payload expected.");
            return;
        }
        // The limit is on the JSON payload, not the body: a form-encoded payload may triple in size.
        int frameBytes = ByteBufUtil.utf8Bytes(payload);
        if (frameBytes > endpoint.options().maxMessageBytes()) {
            SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                    "Send at most " + endpoint.options().maxMessageBytes() + " bytes per request.");
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.decodeMessages(payload);
        } catch (SockJsJson.BrokenJsonException e) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Broken JSON encoding.");
            return;
        }
        // An empty array's bytes count too: the node read and parsed them.
        ClientMessageLimit.Exceeded exceeded = runtime.sendBuckets().tryTake(key, endpoint.options().clientMessageLimit(),
                messages.size(), frameBytes);
        if (exceeded != null) {
            refuseOverLimit(ctx, request, endpoint, key, messages.size(), exceeded);
            return;
        }
        // Bounded: a send may wait long (a store stall), and a client that does not wait for answers
        // must not make the node hold its payloads without end.
        if (!runtime.pendingSends().tryAdd(key)) {
            SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_sends",
                    "At most " + PendingSends.MAX_PER_SESSION + " sends of a session wait at once;"
                            + " send again once one is answered.");
            return;
        }
        // One call: the service checks the session (and, for the push service, its socket) on the way.
        CompletionStage<SessionStatus> sent;
        try {
            sent = endpoint.service().onSend(runtime.session(endpoint, key), messages);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((status, error) -> runtime.pendingSends().remove(key))
                .whenComplete((status, error) -> SockJsRuntime.onLoop(ctx, () -> {
                    if (error != null) {
                        failed(ctx, request, key, error);
                    } else if (status == SessionStatus.NOT_FOUND) {
                        SockJsResponses.sendNotFound(ctx, request);
                    } else {
                        // A closed session drops what it gets, as sockjs-node does; the next poll tells the client.
                        if (status == SessionStatus.OPEN) {
                            runtime.unknownEndpoints().live(key.scope());
                            runtime.metrics().messagesReceived(messages.size());
                        }
                        respond(ctx, request, endpoint);
                    }
                }));
    }

    /**
     * Refuses the whole payload and closes the session, as a websocket over the limit is: the
     * client's receiving request gets the close frame, and this answer says why too. A session that
     * was not open is looked up, so that a missing one answers 404 as any send to it does: only on
     * this path, the send within the limit costs no store call more (the service checks the session
     * in the same call that takes its messages). Answered once the close is done, so that the
     * client's next poll, on any node, finds it; at most {@link PendingSends#MAX_PER_SESSION} of a
     * session wait, the rest are answered 429 at once (an earlier one is closing the session).
     */
    private void refuseOverLimit(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint,
            SessionKey key, int count, ClientMessageLimit.Exceeded exceeded) {
        String reason = endpoint.options().clientMessageLimit().closeReason(exceeded);
        if (!runtime.pendingSends().tryAdd(key)) {
            answerOverLimit(ctx, request, count, exceeded, reason);
            return;
        }
        // What the session was: OPEN if this close closed it, else as the store finds it.
        runtime.session(endpoint, key).close(CloseCodes.MESSAGE_RATE_EXCEEDED, reason)
                .thenCompose(closed -> closed ? CompletableFuture.completedFuture(SessionStatus.OPEN)
                        : runtime.store().status(key))
                .whenComplete((status, error) -> runtime.pendingSends().remove(key))
                .whenComplete((status, error) -> SockJsRuntime.onLoop(ctx, () -> {
                    if (status == SessionStatus.NOT_FOUND) {
                        SockJsResponses.sendNotFound(ctx, request);
                        return;
                    }
                    if (error != null) {
                        // The refusal stands: the messages were not taken; the session may close later.
                        log.warn("{} session {}: closing it over the client message limit failed: {}", ctx.channel(),
                                key, error.toString());
                    } else if (status == SessionStatus.OPEN) {
                        log.info("{} session {}: {} message(s) over the client message limit, closed with {} {}",
                                ctx.channel(), key, count, CloseCodes.MESSAGE_RATE_EXCEEDED, reason);
                    }
                    answerOverLimit(ctx, request, count, exceeded, reason);
                }));
    }

    private void answerOverLimit(ChannelHandlerContext ctx, SockJsRequest request, int count,
            ClientMessageLimit.Exceeded exceeded, String reason) {
        runtime.metrics().messagesRefused(count, exceeded);
        SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, exceeded.errorCode(),
                reason + "; the session is closed.");
    }

    private static void failed(ChannelHandlerContext ctx, SockJsRequest request, SessionKey key, Throwable error) {
        if (Causes.unwrap(error) instanceof MessagesRefusedException refused) {
            // The service refused them for now (the service logs why, once): the client may send again later.
            log.debug("{} session {}: messages refused: {}", ctx.channel(), key, refused.getMessage());
            SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, refused.errorCode(),
                    refused.getMessage());
        } else if (Causes.unwrap(error) instanceof StoreUnavailableException) {
            unavailable(ctx, request, key, error);
        } else {
            log.warn("{} session {}: service failed on messages", ctx.channel(), key, error);
            SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "service_failed", "The messages were not taken; send them again.");
        }
    }

    private void respond(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint) {
        FullHttpResponse response = accepted(ctx, request);
        SockJsResponses.transportHeaders(response, type, request, endpoint.options());
        SockJsResponses.send(ctx, request, response);
    }

    static void unavailable(ChannelHandlerContext ctx, SockJsRequest request, SessionKey key, Throwable error) {
        log.warn("{} session {}: store unavailable: {}", ctx.channel(), key, error.toString());
        SockJsResponses.sendText(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "Session store unavailable, retry.");
    }
}
