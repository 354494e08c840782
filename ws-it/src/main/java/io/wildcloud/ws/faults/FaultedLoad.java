package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoadGenerator;
import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.loadgen.LoadResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One load generator run with faults injected at planned moments (since its publishing began),
 * one after the other on a thread of their own, while the load goes on.
 */
public final class FaultedLoad {

    /** One planned fault: what it does, given when it began. */
    public interface Step {
        FaultRecord run(Duration at) throws Exception;
    }

    /** A step and when it begins. */
    public record Planned(Duration at, Step step) {
    }

    /** The load's figures, what each fault did, and the first step that threw (null if none). */
    public record Result(LoadResult load, List<FaultRecord> faults, Throwable failure) {

        /** The lost messages laid beside the faults ({@link LossWindows}); empty when nothing was lost. */
        public String lossReport() {
            return LossWindows.summary(load.lostMessages(), faults);
        }
    }

    private FaultedLoad() {
    }

    public static Result run(LoadOptions options, PrintStream progress, List<Planned> plan) throws Exception {
        List<FaultRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> faults = new CompletableFuture<>();
        LoadGenerator generator = new LoadGenerator(options, progress, new LoadGenerator.PhaseListener() {
            @Override
            public void publishing() {
                long start = System.nanoTime();
                Thread injector = new Thread(() -> {
                    try {
                        for (Planned planned : plan) {
                            long wait = start + planned.at().toNanos() - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                            FaultRecord record = planned.step().run(Duration.ofNanos(System.nanoTime() - start));
                            records.add(record);
                            progress.println("fault: " + record);
                        }
                        faults.complete(null);
                    } catch (Throwable e) {
                        faults.completeExceptionally(e);
                    }
                }, "fault-injector");
                injector.setDaemon(true);
                injector.start();
            }

            @Override
            public void settled() {
            }
        });
        LoadResult load = generator.run();
        Throwable failure = null;
        try {
            faults.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            failure = new IllegalStateException("a fault was still running two minutes after the load ended", e);
        }
        return new Result(load, List.copyOf(records), failure);
    }
}
