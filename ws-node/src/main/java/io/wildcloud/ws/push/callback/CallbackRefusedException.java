package io.wildcloud.ws.push.callback;

import java.util.Objects;

/** A callback's address is not allowed ({@link CallbackAddresses}); never retried. */
public final class CallbackRefusedException extends Exception {

    private final CallbackRefusal refusal;

    public CallbackRefusedException(CallbackRefusal refusal, String address) {
        super(refusal.message(address), null, false, false);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public CallbackRefusal refusal() {
        return refusal;
    }
}
