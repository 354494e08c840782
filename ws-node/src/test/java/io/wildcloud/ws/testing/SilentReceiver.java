package io.wildcloud.ws.testing;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import java.util.List;

/** A {@link Receiver} that writes nothing, whatever else it says of itself (tests). */
public interface SilentReceiver extends Receiver {

    @Override
    default void onMessages(List<QueuedMessage> messages) {
    }

    @Override
    default void onClosed(SockJsFrame closeFrame) {
    }

    @Override
    default void onEvicted() {
    }
}
