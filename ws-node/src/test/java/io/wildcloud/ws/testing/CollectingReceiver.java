package io.wildcloud.ws.testing;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import java.util.List;

/**
 * A receiver that adds the messages it is given to {@code got} (a thread-safe list: stores call
 * from their own threads) and ignores closes and evictions; it never acknowledges.
 */
public record CollectingReceiver(ReceiverId id, List<QueuedMessage> got) implements Receiver {

    @Override
    public void onMessages(List<QueuedMessage> messages) {
        got.addAll(messages);
    }

    @Override
    public void onClosed(SockJsFrame closeFrame) {
    }

    @Override
    public void onEvicted() {
    }
}
