package io.wildcloud.ws.push.api;

import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackObserver;
import java.util.Objects;

/**
 * Who may use the API and what it accepts as a callback.
 *
 * @param requireAuth publish and revoke need {@code Authorization: Bearer <application secret>}
 *     ({@code api-require-auth}); without it the header is optional but checked when given
 * @param callbacks where callbacks may go, checked at authorize for hosts that are addresses
 * @param observer hears each callback refused at authorize, for metrics
 */
public record ApiAccess(boolean requireAuth, CallbackAddresses callbacks, CallbackObserver observer) {

    public ApiAccess {
        Objects.requireNonNull(callbacks, "callbacks");
        Objects.requireNonNull(observer, "observer");
    }

    public ApiAccess(boolean requireAuth, CallbackAddresses callbacks) {
        this(requireAuth, callbacks, CallbackObserver.NONE);
    }

    /** Bearer optional, callbacks to public addresses only: the defaults. */
    public static ApiAccess defaults() {
        return new ApiAccess(false, CallbackAddresses.publicOnly());
    }
}
