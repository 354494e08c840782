package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.Causes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;

/**
 * Sends the frequent script calls (enqueue, acknowledge) of this node to Redis as pipelines: a
 * call made while nothing is in flight goes at once; calls made while one is in flight wait and
 * then go together in one batch (one write, one read on each side, instead of one per call). At
 * low load this adds no delay; at high load a round trip carries many calls.
 *
 * <p>Calls reach Redis in the order they were submitted, so two enqueues of one session from this
 * node keep their order. A Redis that lost the scripts (NOSCRIPT) gets them loaded again and the
 * calls of that batch are sent again, in order, before anything newer.
 *
 * <p>A script written for it (publish.lua) may also take several calls in one: adjacent waiting
 * calls {@linkplain #submitMerging merged} into one EVALSHA pay Redis's per-script and the
 * client's per-command cost once. Each merged call gets a reply key of its own as its first key
 * ({@link ReplyKeys}), so that Redisson's resend of it (a batch is resent whole) changes nothing.
 *
 * <p>Work that is not the node's own traffic (ending a dead node's sessions) goes in a
 * {@linkplain #submitBackground lane of its own}: each batch carries the node's own waiting calls
 * first and at most {@link #BACKGROUND_SHARE} background calls after them, so a claim made during
 * a takeover waits for at most one batch of those, not for hundreds queued before it; and the
 * takeover still moves by that many calls a round trip, however busy the node.
 */
final class ScriptPipeline {

    /** The node's own calls one Redisson batch carries at most (background calls come on top). */
    static final int MAX_BATCH = 512;

    /**
     * Calls merged into one script run at most: Redis runs nothing else meanwhile, so a run is kept
     * to about a millisecond.
     */
    static final int MAX_MERGED = 64;

    private final RedissonClient redisson;
    private final RScriptAsync direct;
    private final LuaScripts scripts;
    private final CommandGate gate;
    private final ReplyKeys replies;
    /**
     * Background calls one batch carries at most. Sent at once, a dead node's 256 expire.lua calls
     * (and their second calls) held the taker's own claims and releases 2.3–3.2 s at load 18.
     */
    static final int BACKGROUND_SHARE = 64;

    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    /** Batches (and lone calls) handed to Redisson, read by tests. */
    private final LongAdder sends = new LongAdder();
    private final ArrayDeque<Call> background = new ArrayDeque<>();
    private boolean inFlight;

    /** @param replies where a merged call's reply key comes from */
    ScriptPipeline(RedissonClient redisson, RScriptAsync direct, LuaScripts scripts, CommandGate gate,
            ReplyKeys replies) {
        this.redisson = redisson;
        this.direct = direct;
        this.scripts = scripts;
        this.gate = gate;
        this.replies = replies;
    }

    /** One script call and where its answer goes; {@code merge} null unless it may be merged. */
    private record Call(LuaScript script, RScript.ReturnType type, List<Object> keys, Object[] args,
            CompletableFuture<Object> answer, Merge merge) {

        Call(LuaScript script, RScript.ReturnType type, List<Object> keys, Object[] args,
                CompletableFuture<Object> answer) {
            this(script, type, keys, args, answer, null);
        }

        boolean mergesWith(Call other) {
            return merge != null && other.merge != null && script == other.script
                    && merge.group().equals(other.merge.group()) && Arrays.equals(merge.shared(), other.merge.shared());
        }
    }

    /**
     * What calls must share to be merged: the scope group (a Cluster slot) and the leading
     * arguments; {@code scope} is the call's own, whose slot its reply key takes.
     */
    private record Merge(String group, String scope, Object[] shared) {
    }

    /**
     * Runs {@code script}, written to take any number of calls in one (keys and own arguments of
     * each call one after another, after {@code shared}; one answer per call, in order, in a list),
     * in submission order. Adjacent waiting calls with the same {@code group} and equal
     * {@code shared} arguments go as one EVALSHA; the answer is this call's element. The run's
     * first key is a fresh reply key in the first call's {@code scope}.
     *
     * @param group calls of different groups never share a run (the Cluster slot of the keys, or
     *     one value for all on a single Redis)
     * @param scope the scope of the call's keys
     */
    @SuppressWarnings("unchecked")
    <R> CompletionStage<R> submitMerging(LuaScript script, String group, String scope, List<Object> keys,
            Object[] shared, Object... own) {
        Call call = new Call(script, RScript.ReturnType.LIST, keys, own, new CompletableFuture<>(),
                new Merge(group, scope, shared));
        synchronized (this) {
            if (inFlight) {
                waiting.add(call);
                return (CompletionStage<R>) (CompletionStage<?>) call.answer();
            }
            inFlight = true;
        }
        send(List.of(merged(List.of(call))), true);
        return (CompletionStage<R>) (CompletionStage<?>) call.answer();
    }

    /**
     * Runs {@code script} as {@link #submitMerging} would, for several calls that must go in one
     * run, and alone in it (a batch of publishes: the caller already sized it): {@code keys.get(i)}
     * and {@code own.get(i)} are the i-th call's. The run goes after every call submitted before,
     * before every call submitted after.
     *
     * @param replyKey the run's reply key ({@link ReplyKeys#next}, in the slot of the first call's
     *     keys): the same again for a run sent again, so that a copy that ran answers as the first
     * @return one answer per call, in order
     */
    <R> List<CompletableFuture<R>> submitRun(LuaScript script, String replyKey, List<List<Object>> keys,
            Object[] shared, List<Object[]> own) {
        List<Call> parts = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            parts.add(new Call(script, RScript.ReturnType.LIST, keys.get(i), own.get(i), new CompletableFuture<>(),
                    new Merge("", "", shared)));
        }
        Call run = merged(parts, replyKey);
        boolean sendNow;
        synchronized (this) {
            sendNow = !inFlight;
            if (sendNow) {
                inFlight = true;
            } else {
                waiting.add(run);
            }
        }
        if (sendNow) {
            send(List.of(run), true);
        }
        @SuppressWarnings("unchecked")
        List<CompletableFuture<R>> answers = parts.stream()
                .map(part -> (CompletableFuture<R>) (CompletableFuture<?>) part.answer()).toList();
        return answers;
    }

    /**
     * One call carrying {@code parts} (mergeable, mutually merging): a fresh reply key, then their
     * keys; their own arguments in order after the shared ones; its answer list settles each part
     * with its element.
     */
    private Call merged(List<Call> parts) {
        return merged(parts, replies.next(parts.get(0).merge().scope()));
    }

    private Call merged(List<Call> parts, String replyKey) {
        Call first = parts.get(0);
        List<Object> keys = new ArrayList<>(1 + parts.size() * first.keys().size());
        keys.add(replyKey);
        List<Object> args = new ArrayList<>(first.merge().shared().length + parts.size() * first.args().length);
        args.addAll(Arrays.asList(first.merge().shared()));
        for (Call part : parts) {
            keys.addAll(part.keys());
            args.addAll(Arrays.asList(part.args()));
        }
        CompletableFuture<Object> answer = new CompletableFuture<>();
        answer.whenComplete((answers, error) -> {
            for (int i = 0; i < parts.size(); i++) {
                if (error != null) {
                    parts.get(i).answer().completeExceptionally(error);
                } else if (!(answers instanceof List<?> list) || list.size() != parts.size()) {
                    parts.get(i).answer().completeExceptionally(new IllegalStateException(
                            first.script().name() + " answered " + answers + " to " + parts.size() + " calls"));
                } else {
                    parts.get(i).answer().complete(list.get(i));
                }
            }
        });
        // The reply key leads; the routing key (the first) is then in the first call's slot too.
        return new Call(first.script(), first.type(), keys, args.toArray(), answer);
    }

    /** Runs {@code script} on the node that owns {@code keys.get(0)}, in submission order. */
    <R> CompletionStage<R> submit(LuaScript script, RScript.ReturnType type, List<Object> keys, Object... args) {
        return enqueue(new Call(script, type, keys, args, new CompletableFuture<>()), waiting);
    }

    /**
     * Runs {@code script} on the node that owns {@code keys.get(0)} when the node's own calls let
     * it: after every call {@linkplain #submit submitted} before it is sent, up to
     * {@link #BACKGROUND_SHARE} background calls to a batch. Background calls keep their order
     * among themselves; with other calls they have none.
     */
    <R> CompletionStage<R> submitBackground(LuaScript script, RScript.ReturnType type, List<Object> keys,
            Object... args) {
        return enqueue(new Call(script, type, keys, args, new CompletableFuture<>()), background);
    }

    /** Sends {@code call} at once when nothing is in flight, else queues it in {@code queue}. */
    @SuppressWarnings("unchecked")
    private <R> CompletionStage<R> enqueue(Call call, ArrayDeque<Call> queue) {
        synchronized (this) {
            if (inFlight) {
                queue.add(call);
                return (CompletionStage<R>) (CompletionStage<?>) call.answer();
            }
            inFlight = true;
        }
        send(List.of(call), true);
        return (CompletionStage<R>) (CompletionStage<?>) call.answer();
    }

    /**
     * Runs one call of {@code script} per element of {@code keys} (and of {@code args}) beside the
     * ordered queue, in no order with other calls: in batches of at most {@link #MAX_BATCH} calls,
     * one batch after the other. Redisson sends each Cluster master its share of a batch in one
     * write over one connection, so thousands of calls (a renewal of every held session is one call
     * per occupied slot on a Cluster) take one connection per master instead of the whole pool. Bounded
     * because Redisson gives a whole batch one command timeout: one batch of 50,000 calls on a
     * loaded 3-master Cluster failed whole after its retries, and its wait alone made the
     * {@link StoreWatch} report Redis as not answering. A batch waits for its slowest master's
     * answer (or timeout) before the next goes. A script Redis lost is loaded and its calls sent
     * once more.
     *
     * @return one answer per call, in order
     */
    List<CompletableFuture<Object>> runBeside(LuaScript script, RScript.ReturnType type, List<List<Object>> keys,
            List<Object[]> args) {
        List<Call> calls = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            calls.add(new Call(script, type, keys.get(i), args.get(i), new CompletableFuture<>()));
        }
        sendInTurn(calls, 0);
        return calls.stream().map(Call::answer).toList();
    }

    /** Sends {@code calls} from {@code from} on, {@link #MAX_BATCH} at a time, each batch once the one before settled. */
    private void sendInTurn(List<Call> calls, int from) {
        if (from >= calls.size()) {
            return;
        }
        int to = Math.min(calls.size(), from + MAX_BATCH);
        send(calls.subList(from, to), true, () -> sendInTurn(calls, to));
    }

    private void send(List<Call> calls, boolean mayReload) {
        send(calls, mayReload, this::next);
    }

    /** How many batches (a lone call is one) the pipeline has handed to Redisson. */
    long sends() {
        return sends.sum();
    }

    /** Sends {@code calls}, settles their answers, then runs {@code then}. */
    private void send(List<Call> calls, boolean mayReload, Runnable then) {
        sends.increment();
        if (calls.size() == 1) {
            // LuaScript.eval loads a lost script by itself.
            Call call = calls.get(0);
            call.script().eval(direct, call.type(), call.keys(), call.args())
                    .whenComplete((answer, error) -> {
                        settle(call, answer, error);
                        then.run();
                    });
            return;
        }
        long started = System.nanoTime();
        List<RFuture<Object>> answers = new ArrayList<>(calls.size());
        gate.handOver(() -> {
            RBatch batch = redisson.createBatch(BatchOptions.defaults());
            RScriptAsync script = batch.getScript(HeapStringCodec.INSTANCE);
            for (Call call : calls) {
                answers.add(script.evalShaAsync((String) call.keys().get(0), RScript.Mode.READ_WRITE,
                        call.script().sha(), call.type(), call.keys(), call.args()));
            }
            return batch.executeAsync();
        }).whenComplete((result, batchError) -> {
            if (answers.isEmpty()) {
                // Not handed over: the store is closing.
                calls.forEach(call -> settle(call, null, batchError));
                then.run();
                return;
            }
            List<Call> lostScript = new ArrayList<>();
            List<Call> askAgain = new ArrayList<>();
            Throwable refusal = answeredRefusal(batchError);
            for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Object> answer = answers.get(i).toCompletableFuture();
                Throwable error = answer.isDone() ? failure(answer) : batchError;
                if (mayReload && error != null && LuaScript.isNoScript(error)) {
                    lostScript.add(calls.get(i));
                } else if (refusal != null && error != null && Causes.unwrap(error) == refusal
                        && scripts.answersARepeatAlike(calls.get(i).script())) {
                    askAgain.add(calls.get(i));
                } else if (!answer.isDone() && error == null) {
                    calls.get(i).script().record(started, true);
                    settle(calls.get(i), null, new IllegalStateException("no answer in the pipeline"));
                } else {
                    calls.get(i).script().record(started, error != null);
                    settle(calls.get(i), error == null ? answer.join() : null, error);
                }
            }
            Runnable reloadThenGoOn = lostScript.isEmpty() ? then
                    : () -> scripts.loadAll(direct, gate).whenComplete((loaded, error) -> send(lostScript, false, then));
            askEach(askAgain, reloadThenGoOn);
        });
    }

    /**
     * The error Redis answered one call of a failed batch with (out of memory, CLUSTERDOWN, ...),
     * or null when the batch did not fail that way. Redisson fails a batch as soon as one Cluster
     * master answers an error, and fails every call not answered yet with that same error, also
     * those the other masters ran or will run: a publish they queued was reported refused, "nothing
     * was queued" (a batch publish answered 507 whole while two of three masters queued theirs).
     */
    private static Throwable answeredRefusal(Throwable batchError) {
        if (batchError == null) {
            return null;
        }
        Throwable refusal = Causes.unwrap(batchError);
        return StoreErrors.unanswered(refusal) || LuaScript.isNoScript(refusal) ? null : refusal;
    }

    /**
     * Sends each of {@code calls} again, alone, and settles it with that answer; then runs
     * {@code then}. These are the calls a failed batch failed with another call's refusal (see
     * {@link #answeredRefusal}), among them that call itself: each learns its own outcome. Only
     * calls whose script {@linkplain LuaScripts#answersARepeatAlike answers a repeat alike} (a
     * merged or batched publish answers a second run from its reply key): the others may have run
     * on their master, and keep the refusal, as the whole batch's. Once only, each alone, so that
     * no refusal spreads again, in order ({@link #askFrom}); the pipeline waits for them (a round trip
     * each, on a failure).
     */
    private void askEach(List<Call> calls, Runnable then) {
        askFrom(calls, 0, then);
    }

    /**
     * One after another, in the order they were submitted: sent at once on pooled connections, two
     * enqueues of one session could run in either order. A resend without an answer may still run,
     * so the calls after it are not sent (one of them could run before it): they are settled with
     * that same unknown outcome, which their callers treat as "may have run".
     */
    private void askFrom(List<Call> calls, int next, Runnable then) {
        if (next == calls.size()) {
            then.run();
            return;
        }
        Call call = calls.get(next);
        call.script().eval(direct, call.type(), call.keys(), call.args()).whenComplete((answer, error) -> {
            settle(call, answer, error);
            if (error != null && StoreErrors.unanswered(Causes.unwrap(error))) {
                for (int i = next + 1; i < calls.size(); i++) {
                    settle(calls.get(i), null, error);
                }
                then.run();
            } else {
                askFrom(calls, next + 1, then);
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
        List<Call> own;
        List<Call> behind;
        synchronized (this) {
            if (waiting.isEmpty() && background.isEmpty()) {
                inFlight = false;
                return;
            }
            own = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            while (!waiting.isEmpty() && own.size() < MAX_BATCH) {
                own.add(waiting.poll());
            }
            behind = new ArrayList<>(Math.min(background.size(), BACKGROUND_SHARE));
            while (!background.isEmpty() && behind.size() < BACKGROUND_SHARE) {
                behind.add(background.poll());
            }
        }
        List<Call> batch = mergeAdjacent(own);
        batch.addAll(behind);
        send(batch, true);
    }

    /** {@code calls} with each run of adjacent mutually merging calls (up to {@link #MAX_MERGED}) as one. */
    private List<Call> mergeAdjacent(List<Call> calls) {
        List<Call> out = new ArrayList<>(calls.size());
        List<Call> run = new ArrayList<>();
        for (Call call : calls) {
            if (!run.isEmpty() && (!run.get(0).mergesWith(call) || run.size() == MAX_MERGED)) {
                out.add(merged(run));
                run = new ArrayList<>();
            }
            if (call.merge() != null) {
                run.add(call);
            } else {
                out.add(call);
            }
        }
        if (!run.isEmpty()) {
            out.add(merged(run));
        }
        return out;
    }
}
