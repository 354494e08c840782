package io.wildcloud.ws.loadgen;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Opens N sessions over a mix of transports through a balancer, publishes to them through the API
 * at a target rate or flat out, and counts what arrives: throughput, latency percentiles, lost,
 * duplicated and reordered messages. Each session has its own socket, so one publish is one
 * delivered message.
 */
public final class LoadGenerator {

    /** Told when publishing starts and when the last delivery is in, so a benchmark can meter just that. */
    public interface PhaseListener {
        void publishing();

        void settled();
    }

    private final LoadOptions options;
    private final PrintStream progress;
    private final PhaseListener phases;

    public LoadGenerator(LoadOptions options, PrintStream progress) {
        this(options, progress, null);
    }

    public LoadGenerator(LoadOptions options, PrintStream progress, PhaseListener phases) {
        this.options = options;
        this.progress = progress;
        this.phases = phases;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LoadResult result = new LoadGenerator(options, System.err).run();
        System.out.println(options.json() ? result.toJson() : result.toText());
        System.exit(result.lost() == 0 && result.duplicated() == 0 && result.sessionsFailed() == 0 ? 0 : 1);
    }

    public LoadResult run() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4, daemon("loadgen-http")))
                .build();
        ApiClient api = new ApiClient(http, options.apiUrls());
        DeliveryTracker tracker = new DeliveryTracker(options.sessions());
        List<String> sockets = new ArrayList<>();
        List<SessionClient> clients = new ArrayList<>();
        Map<String, Integer> byTransport = new TreeMap<>();
        int failed = 0;
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < options.sessions(); i++) {
            sockets.add(api.authorize(options.application(), "loadgen-" + run + "-" + i, options.callbackUrl()));
        }
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < options.sessions(); i++) {
            int session = i;
            SessionClient.Transport transport = options.transportOf(i);
            byTransport.merge(transport.label(), 1, Integer::sum);
            URI publicUrl = options.publicUrls().get(i % options.publicUrls().size());
            SessionClient client = SessionClient.create(transport, http,
                    URI.create(publicUrl + "/" + sockets.get(i)), message -> tracker.received(session, message));
            clients.add(client);
            opening.add(client.open());
        }
        for (CompletableFuture<Void> open : opening) {
            try {
                open.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
            }
        }
        progress.printf(Locale.ROOT, "opened %d sessions %s, %d failed%n", options.sessions() - failed, byTransport, failed);

        AtomicLong published = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("loadgen-progress"));
        if (phases != null) {
            phases.publishing();
        }
        long startNanos = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> printProgress(tracker, published, errors, startNanos), 1, 1, TimeUnit.SECONDS);
        long[] seqs = new long[options.sessions()];
        // One publish in flight per session: two concurrent publishes to one session have no order
        // of their own, so a reordering counted must be the service's.
        java.util.concurrent.atomic.AtomicIntegerArray inFlight = new java.util.concurrent.atomic.AtomicIntegerArray(options.sessions());
        int cursor = 0;
        Semaphore window = new Semaphore(options.concurrency());
        long deadline = startNanos + options.duration().toNanos();
        long limit = options.messages() > 0 ? options.messages() : Long.MAX_VALUE;
        for (long i = 0; i < limit && System.nanoTime() < deadline; i++) {
            if (options.rate() > 0) {
                long due = startNanos + (long) (i * 1e9 / options.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            window.acquire();
            int session = -1;
            for (int tries = 0; session < 0; tries++) {
                int candidate = cursor;
                cursor = (cursor + 1) % options.sessions();
                if (inFlight.compareAndSet(candidate, 0, 1)) {
                    session = candidate;
                } else if (tries >= options.sessions()) {
                    Thread.onSpinWait();
                    tries = 0;
                }
            }
            long seq = ++seqs[session];
            int publishedTo = session;
            api.publish(sockets.get(session), DeliveryTracker.payload(seq, System.nanoTime()))
                    .whenComplete((status, error) -> {
                        inFlight.set(publishedTo, 0);
                        window.release();
                        if (error == null && status >= 200 && status < 300) {
                            tracker.accepted(publishedTo);
                            published.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    });
        }
        window.acquire(options.concurrency());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long graceEnd = System.nanoTime() + options.grace().toNanos();
        while (tracker.missing() > 0 && System.nanoTime() < graceEnd) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double deliverySeconds = (System.nanoTime() - startNanos) / 1e9;
        if (phases != null) {
            phases.settled();
        }
        ticker.shutdownNow();
        printProgress(tracker, published, errors, startNanos);
        clients.forEach(SessionClient::stop);
        return LoadResult.of(options.sessions(), byTransport, failed, published.get(), errors.get(), tracker,
                seconds, deliverySeconds);
    }

    private void printProgress(DeliveryTracker tracker, AtomicLong published, AtomicLong errors, long startNanos) {
        Histogram interval = tracker.intervalLatency();
        progress.printf(Locale.ROOT, "t=%5.1fs published=%d errors=%d delivered=%d missing=%d dup=%d p50=%.2fms p99=%.2fms%n",
                (System.nanoTime() - startNanos) / 1e9, published.get(), errors.get(), tracker.delivered(),
                tracker.missing(), tracker.duplicated(),
                interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
