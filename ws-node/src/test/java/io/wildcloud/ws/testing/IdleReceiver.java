package io.wildcloud.ws.testing;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import java.util.List;

/** A receiver that holds its slot and writes nothing (its request asked at its claim). */
public record IdleReceiver(ReceiverId id) implements Receiver {

    @Override
    public void onMessages(List<QueuedMessage> messages) {
    }

    @Override
    public void onClosed(SockJsFrame closeFrame) {
    }

    @Override
    public void onEvicted() {
    }
}
