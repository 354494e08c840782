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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Opens N sessions over a mix of transports through a balancer, publishes to them through the API
 * at a target rate or flat out, and counts what arrives: throughput, latency percentiles, lost,
 * duplicated and reordered messages. Each session has its own socket, so one publish is one
 * delivered message. An optional warm-up (published and fully delivered first) lets the JIT and
 * the pools settle, so the figures describe the steady state.
 */
public final class LoadGenerator {

    /** Told when the measured publishing starts and when its last delivery is in, so a benchmark can meter just that. */
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
        System.exit(result.clean() ? 0 : 1);
    }

    public LoadResult run() throws Exception {
        // The JDK client authorizes and carries the xhr transports; publishing and websockets run on Netty.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4, daemon("loadgen-http")))
                .build();
        try (ClientLoops loops = ClientLoops.create(options.ioThreads());
             HttpPublisher publisher = new HttpPublisher(loops, options.apiUrls(), options.apiConnections())) {
            ApiClient api = new ApiClient(http, options.apiUrls());
            List<String> sockets = new ArrayList<>();
            String run = Long.toString(System.currentTimeMillis(), 36);
            for (int i = 0; i < options.sessions(); i++) {
                sockets.add(api.authorize(options.application(), "loadgen-" + run + "-" + i, options.callbackUrl()));
            }
            DeliveryTracker tracker = new DeliveryTracker(options.sessions(), options.warmup() > 0);
            Map<String, Integer> byTransport = new TreeMap<>();
            List<SessionClient> clients = new ArrayList<>();
            List<CompletableFuture<Void>> opening = new ArrayList<>();
            for (int i = 0; i < options.sessions(); i++) {
                int session = i;
                SessionClient.Transport transport = options.transportOf(i);
                byTransport.merge(transport.label(), 1, Integer::sum);
                URI publicUrl = options.publicUrls().get(i % options.publicUrls().size());
                SessionClient client = SessionClient.create(transport, http, loops,
                        URI.create(publicUrl + "/" + sockets.get(i)), message -> tracker.received(session, message));
                clients.add(client);
                opening.add(client.open());
            }
            int failed = 0;
            for (CompletableFuture<Void> open : opening) {
                try {
                    open.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failed++;
                }
            }
            progress.printf(Locale.ROOT, "opened %d sessions %s, %d failed; %d API connections per URL over %s%n",
                    options.sessions() - failed, byTransport, failed, options.apiConnections(), loops.transportName());
            publisher.connect();

            Publishing publishing = new Publishing(publisher, sockets, tracker);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("loadgen-progress"));
            ticker.scheduleAtFixedRate(publishing::printProgress, 1, 1, TimeUnit.SECONDS);
            long warmupPublished = 0;
            if (options.warmup() > 0) {
                Round warmup = publishing.round("warm-up", tracker.warmup(), options.warmup(), Long.MAX_VALUE);
                warmupPublished = warmup.published.get();
                progress.printf(Locale.ROOT, "warm-up done: %d published, %d errors, %d delivered, %d missing%n",
                        warmupPublished, warmup.errors.get(), tracker.warmup().delivered(), tracker.warmup().missing());
                tracker.startMeasuring(publishing.seqs.clone());
            }
            if (phases != null) {
                phases.publishing();
            }
            long limit = options.messages() > 0 ? options.messages() : Long.MAX_VALUE;
            Round measured = publishing.round("measured", tracker.measured(), limit, options.duration().toNanos());
            if (phases != null) {
                phases.settled();
            }
            ticker.shutdownNow();
            publishing.printProgress();
            clients.forEach(SessionClient::stop);
            return LoadResult.of(options.sessions(), byTransport, failed, warmupPublished, tracker,
                    measured.published.get(), measured.errors.get(), measured.publishSeconds,
                    measured.deliverySeconds);
        }
    }

    /** Publishes rounds of messages over the sessions, keeping each session's seqs running on. */
    private final class Publishing {

        private final HttpPublisher publisher;
        private final List<String> sockets;
        private final DeliveryTracker tracker;
        private final long[] seqs;
        // One publish in flight per session: two concurrent publishes to one session have no order
        // of their own, so a reordering counted must be the service's.
        private final AtomicIntegerArray inFlight;
        private final Semaphore window;
        private int cursor;
        private volatile Round current;

        Publishing(HttpPublisher publisher, List<String> sockets, DeliveryTracker tracker) {
            this.publisher = publisher;
            this.sockets = sockets;
            this.tracker = tracker;
            this.seqs = new long[sockets.size()];
            this.inFlight = new AtomicIntegerArray(sockets.size());
            this.window = new Semaphore(options.concurrency());
        }

        /** Publishes up to {@code messages} within {@code maxNanos}, then waits (within the grace) for them to arrive. */
        Round round(String label, DeliveryTracker.Phase phase, long messages, long maxNanos) throws InterruptedException {
            Round round = new Round(label, phase);
            current = round;
            long deadline = maxNanos == Long.MAX_VALUE ? Long.MAX_VALUE : round.startNanos + maxNanos;
            for (long i = 0; i < messages && System.nanoTime() < deadline; i++) {
                if (options.rate() > 0) {
                    long wait = round.startNanos + (long) (i * 1e9 / options.rate()) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                window.acquire();
                int session = nextIdleSession();
                long seq = ++seqs[session];
                publisher.publish(sockets.get(session), seq).whenComplete((status, error) -> {
                    if (error == null && status >= 200 && status < 300) {
                        tracker.accepted(session, seq);
                        round.published.incrementAndGet();
                    } else {
                        round.errors.incrementAndGet();
                        round.firstError.compareAndSet(null, error != null ? error.toString() : "HTTP " + status);
                    }
                    inFlight.set(session, 0);
                    window.release();
                });
            }
            window.acquire(options.concurrency());
            window.release(options.concurrency());
            round.publishSeconds = (System.nanoTime() - round.startNanos) / 1e9;
            long graceEnd = System.nanoTime() + options.grace().toNanos();
            while (phase.missing() > 0 && System.nanoTime() < graceEnd) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            round.deliverySeconds = (System.nanoTime() - round.startNanos) / 1e9;
            if (round.firstError.get() != null) {
                progress.printf(Locale.ROOT, "%s: %d publishes failed, the first with %s%n",
                        label, round.errors.get(), round.firstError.get());
            }
            return round;
        }

        private int nextIdleSession() {
            for (int tries = 0; ; tries++) {
                int candidate = cursor;
                cursor = (cursor + 1) % sockets.size();
                if (inFlight.compareAndSet(candidate, 0, 1)) {
                    return candidate;
                }
                if (tries >= sockets.size()) {
                    Thread.onSpinWait();
                    tries = 0;
                }
            }
        }

        void printProgress() {
            Round round = current;
            if (round == null) {
                return;
            }
            Histogram interval = round.phase.intervalLatency();
            progress.printf(Locale.ROOT,
                    "%s t=%5.1fs published=%d errors=%d delivered=%d missing=%d dup=%d p50=%.2fms p99=%.2fms%n",
                    round.label, (System.nanoTime() - round.startNanos) / 1e9, round.published.get(),
                    round.errors.get(), round.phase.delivered(), round.phase.missing(), round.phase.duplicated(),
                    interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6);
        }
    }

    /** The counters of one round of publishing. */
    private static final class Round {
        final String label;
        final DeliveryTracker.Phase phase;
        final long startNanos = System.nanoTime();
        final AtomicLong published = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        double publishSeconds;
        double deliverySeconds;

        Round(String label, DeliveryTracker.Phase phase) {
            this.label = label;
            this.phase = phase;
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
