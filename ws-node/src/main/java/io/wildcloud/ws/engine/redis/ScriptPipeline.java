package io.wildcloud.ws.engine.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Sends the frequent script calls (enqueue, acknowledge) of this node to Redis as pipelines: a
 * call made while nothing is in flight goes at once; calls made while one is in flight wait and
 * then go together in one batch (one write, one read on each side, instead of one per call). At
 * low load this adds no delay; at high load a round trip carries many calls.
 *
 * <p>Calls reach Redis in the order they were submitted, so two enqueues of one session from this
 * node keep their order. A Redis that lost the scripts (NOSCRIPT) gets them loaded again and the
 * calls of that batch are sent again, in order, before anything newer.
 */
final class ScriptPipeline {

    private static final int MAX_BATCH = 512;

    private final RedissonClient redisson;
    private final RScriptAsync direct;
    private final LuaScripts scripts;
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private boolean inFlight;

    ScriptPipeline(RedissonClient redisson, RScriptAsync direct, LuaScripts scripts) {
        this.redisson = redisson;
        this.direct = direct;
        this.scripts = scripts;
    }

    /** One script call and where its answer goes. */
    private record Call(LuaScript script, RScript.ReturnType type, List<Object> keys, Object[] args,
            CompletableFuture<Object> answer) {
    }

    /** Runs {@code script} on the node that owns {@code keys.get(0)}, in submission order. */
    @SuppressWarnings("unchecked")
    <R> CompletionStage<R> submit(LuaScript script, RScript.ReturnType type, List<Object> keys, Object... args) {
        Call call = new Call(script, type, keys, args, new CompletableFuture<>());
        synchronized (this) {
            if (inFlight) {
                waiting.add(call);
                return (CompletionStage<R>) (CompletionStage<?>) call.answer();
            }
            inFlight = true;
        }
        send(List.of(call), true);
        return (CompletionStage<R>) (CompletionStage<?>) call.answer();
    }

    private void send(List<Call> calls, boolean mayReload) {
        if (calls.size() == 1) {
            // LuaScript.eval loads a lost script by itself.
            Call call = calls.get(0);
            call.script().eval(direct, call.type(), call.keys(), call.args())
                    .whenComplete((answer, error) -> {
                        settle(call, answer, error);
                        next();
                    });
            return;
        }
        long started = System.nanoTime();
        RBatch batch = redisson.createBatch(BatchOptions.defaults());
        RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
        List<RFuture<Object>> answers = new ArrayList<>(calls.size());
        for (Call call : calls) {
            answers.add(script.evalShaAsync((String) call.keys().get(0), RScript.Mode.READ_WRITE,
                    call.script().sha(), call.type(), call.keys(), call.args()));
        }
        batch.executeAsync().whenComplete((result, batchError) -> {
            List<Call> lostScript = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Object> answer = answers.get(i).toCompletableFuture();
                Throwable error = answer.isDone() ? failure(answer) : batchError;
                if (mayReload && error != null && LuaScript.isNoScript(error)) {
                    lostScript.add(calls.get(i));
                } else if (!answer.isDone() && error == null) {
                    calls.get(i).script().record(started, true);
                    settle(calls.get(i), null, new IllegalStateException("no answer in the pipeline"));
                } else {
                    calls.get(i).script().record(started, error != null);
                    settle(calls.get(i), error == null ? answer.join() : null, error);
                }
            }
            if (lostScript.isEmpty()) {
                next();
            } else {
                scripts.loadAll(direct).whenComplete((loaded, error) -> send(lostScript, false));
            }
        });
    }

    private static Throwable failure(CompletableFuture<Object> answer) {
        if (!answer.isCompletedExceptionally()) {
            return null;
        }
        try {
            answer.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private static void settle(Call call, Object answer, Throwable error) {
        if (error != null) {
            call.answer().completeExceptionally(error);
        } else {
            call.answer().complete(answer);
        }
    }

    private void next() {
        List<Call> batch;
        synchronized (this) {
            if (waiting.isEmpty()) {
                inFlight = false;
                return;
            }
            batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(waiting.poll());
            }
        }
        send(batch, true);
    }
}
