package io.wildcloud.ws.engine.redis;

import java.net.InetSocketAddress;
import org.redisson.connection.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears Redisson connect again after it lost a connection, and then runs the store's check of
 * the slots this node holds: while the node was cut off, others may have judged it dead and taken
 * its sessions, and its receivers must learn so ({@code Receiver.onEvicted}) before they write
 * more. Made before the store (Redisson wants it in its configuration), so the target comes later.
 */
final class ReconnectRelay implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectRelay.class);

    private volatile Runnable target;
    private volatile boolean lost;

    void target(Runnable onReconnected) {
        this.target = onReconnected;
    }

    @Override
    public void onConnect(InetSocketAddress address) {
        Runnable current = target;
        if (lost && current != null) {
            lost = false;
            LOG.info("connected to Redis at {} again: checking the slots this node holds", address);
            current.run();
        }
    }

    @Override
    public void onDisconnect(InetSocketAddress address) {
        lost = true;
        LOG.warn("lost a connection to Redis at {}", address);
    }
}
