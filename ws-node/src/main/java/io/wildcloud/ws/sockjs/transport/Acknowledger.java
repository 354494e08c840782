package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store what a stream has written, in batches: at most one acknowledgement is in
 * flight; whatever was written meanwhile goes in the next one. A store round trip per message
 * would cost more than the message.
 *
 * <p>The channel's event loop reports writes; the store's answer may come on any thread and sends
 * the next acknowledgement from there, so an answer never costs a hand-off back to the event loop.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);

    private final ChannelHandlerContext ctx;
    private final SessionStore store;
    private final SessionKey key;
    private final ReceiverId receiver;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile boolean stopped;

    Acknowledger(ChannelHandlerContext ctx, SessionStore store, SessionKey key, ReceiverId receiver) {
        this.ctx = ctx;
        this.store = store;
        this.key = key;
        this.receiver = receiver;
    }

    /** Messages up to {@code seq} were written. */
    void delivered(long seq) {
        written.accumulateAndGet(seq, Math::max);
        flush();
    }

    /** No more acknowledgements: a release (which acknowledges too) or a delete follows. */
    void stop() {
        stopped = true;
    }

    private void flush() {
        // Written is raised before the flag is tried, and the flag dropped before written is read
        // again: whichever side comes second sees the other's work, so no write is left waiting.
        if (stopped || written.get() <= acknowledged.get() || !inFlight.compareAndSet(false, true)) {
            return;
        }
        long seq = written.get();
        store.acknowledge(key, receiver, seq).whenComplete((ignored, error) -> {
            if (error != null) {
                // Not fatal: the next write tries again, and the release at the end acknowledges
                // everything written.
                log.debug("{} session {}: acknowledge failed: {}", ctx.channel(), key, error.toString());
                inFlight.set(false);
                return;
            }
            acknowledged.accumulateAndGet(seq, Math::max);
            inFlight.set(false);
            flush();
        });
    }
}
