package io.wildcloud.ws.testing;

import io.wildcloud.ws.sockjs.session.ReceiverId;

/** A receiver that holds its slot and writes nothing (its request asked at its claim). */
public record IdleReceiver(ReceiverId id) implements SilentReceiver {
}
