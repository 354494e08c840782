package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScript;

/** What the receivers held on this node ask of the engine. */
final class HeldOwner implements HeldReceiver.Owner {

    private final RedisRuntime runtime;
    private final NodeWakeups wakeups;
    private final StoreEpoch epoch;

    HeldOwner(RedisRuntime runtime, NodeWakeups wakeups, StoreEpoch epoch) {
        this.runtime = runtime;
        this.wakeups = wakeups;
        this.epoch = epoch;
    }

    @Override
    public CompletionStage<List<Object>> fetch(SessionKey key, String receiverId, long afterSeq) {
        return runtime.scripts().fetch.eval(runtime.script(), RScript.ReturnType.LIST,
                runtime.keys().sessionKeys(key), receiverId, afterSeq);
    }

    @Override
    public void evicted(HeldReceiver held) {
        wakeups.forget(held.key(), held.receiverId());
    }

    @Override
    public CompletionStage<Void> beforeEviction() {
        return epoch.verify();
    }

    @Override
    public void retryLater(Runnable task) {
        if (!runtime.timer().isShutdown()) {
            runtime.timer().schedule(task, 500, TimeUnit.MILLISECONDS);
        }
    }
}
