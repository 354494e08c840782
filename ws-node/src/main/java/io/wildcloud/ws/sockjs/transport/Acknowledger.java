package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store what a stream has written, in batches: at most one acknowledgement is in
 * flight; whatever was written meanwhile goes in the next one. A store round trip per message
 * would cost more than the message. Used on the channel's event loop only.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);

    private final ChannelHandlerContext ctx;
    private final SessionStore store;
    private final SessionKey key;
    private final ReceiverId receiver;
    private long written;
    private long acknowledged;
    private boolean inFlight;
    private boolean stopped;

    Acknowledger(ChannelHandlerContext ctx, SessionStore store, SessionKey key, ReceiverId receiver) {
        this.ctx = ctx;
        this.store = store;
        this.key = key;
        this.receiver = receiver;
    }

    /** Messages up to {@code seq} were written. */
    void delivered(long seq) {
        if (seq > written) {
            written = seq;
        }
        flush();
    }

    /** No more acknowledgements: a release (which acknowledges too) or a delete follows. */
    void stop() {
        stopped = true;
    }

    private void flush() {
        if (inFlight || stopped || written <= acknowledged) {
            return;
        }
        long seq = written;
        inFlight = true;
        store.acknowledge(key, receiver, seq).whenComplete((ignored, error) -> SockJsRuntime.onLoop(ctx, () -> {
            inFlight = false;
            if (error != null) {
                // Not fatal: the release at the end acknowledges everything written.
                log.debug("{} session {}: acknowledge failed: {}", ctx.channel(), key, error.toString());
            } else {
                acknowledged = Math.max(acknowledged, seq);
            }
            flush();
        }));
    }
}
