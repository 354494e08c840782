package io.wildcloud.ws.loadgen;

import io.netty.channel.EventLoop;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

            Publishing publishing = new Publishing(loops.group().next(), publisher, sockets, tracker);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("loadgen-progress"));
            ticker.scheduleAtFixedRate(publishing::printProgress, 1, 1, TimeUnit.SECONDS);
            long warmupPublished = 0;
            if (options.warmup() > 0) {
                Round warmup = publishing.round("warm-up", tracker.warmup(), options.warmup(), Long.MAX_VALUE);
                warmupPublished = warmup.published.get();
                progress.printf(Locale.ROOT, "warm-up done: %d published, %d errors, %d delivered, %d missing%n",
                        warmupPublished, warmup.errors.get(), tracker.warmup().delivered(), tracker.warmup().missing());
                tracker.startMeasuring(publishing.seqs());
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

    /**
     * Publishes rounds of messages over the sessions, keeping each session's seqs running on. It
     * runs on one event loop, where the answers arrive too: each answer sends the next publish, so
     * no thread hands work to another, or wakes one, per message.
     */
    private final class Publishing {

        private final EventLoop loop;
        private final HttpPublisher publisher;
        private final List<String> sockets;
        private final DeliveryTracker tracker;
        // All below: on the loop only (the main thread reads seqs once a round is done).
        private final long[] seqs;
        // One publish in flight per session: two concurrent publishes to one session have no order
        // of their own, so a reordering counted must be the service's.
        private final boolean[] inFlight;
        private int cursor;
        private int outstanding;
        private boolean fillScheduled;
        private volatile Round current;

        Publishing(EventLoop loop, HttpPublisher publisher, List<String> sockets, DeliveryTracker tracker) {
            this.loop = loop;
            this.publisher = publisher;
            this.sockets = sockets;
            this.tracker = tracker;
            this.seqs = new long[sockets.size()];
            this.inFlight = new boolean[sockets.size()];
        }

        /** Publishes up to {@code messages} within {@code maxNanos}, then waits (within the grace) for them to arrive. */
        Round round(String label, DeliveryTracker.Phase phase, long messages, long maxNanos) throws Exception {
            Round round = new Round(label, phase, messages, maxNanos);
            current = round;
            loop.execute(this::fill);
            round.answered.get();
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

        /** Sends what the window, the rate and the idle sessions allow; ends the round when all is answered. */
        private void fill() {
            Round round = current;
            long now = System.nanoTime();
            boolean open = round.sent < round.messages && now < round.deadline;
            while (open && outstanding < options.concurrency()) {
                if (options.rate() > 0) {
                    long due = round.startNanos + (long) (round.sent * 1e9 / options.rate());
                    if (due > now) {
                        scheduleFill(due - now);
                        break;
                    }
                }
                int session = nextIdleSession();
                if (session < 0) {
                    break;
                }
                publish(round, session);
                open = round.sent < round.messages && now < round.deadline;
            }
            if (!open && outstanding == 0) {
                round.answered.complete(null);
            }
        }

        private void scheduleFill(long delayNanos) {
            if (!fillScheduled) {
                fillScheduled = true;
                loop.schedule(() -> {
                    fillScheduled = false;
                    fill();
                }, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void publish(Round round, int session) {
            long seq = ++seqs[session];
            inFlight[session] = true;
            outstanding++;
            round.sent++;
            publisher.publish(sockets.get(session), seq).whenComplete((status, error) -> {
                if (loop.inEventLoop()) {
                    answered(round, session, seq, status, error);
                } else {
                    loop.execute(() -> answered(round, session, seq, status, error));
                }
            });
        }

        private void answered(Round round, int session, long seq, Integer status, Throwable error) {
            if (error == null && status >= 200 && status < 300) {
                tracker.accepted(session, seq);
                round.published.incrementAndGet();
            } else {
                round.errors.incrementAndGet();
                round.firstError.compareAndSet(null, error != null ? error.toString() : "HTTP " + status);
            }
            inFlight[session] = false;
            outstanding--;
            fill();
        }

        /** The next session without a publish in flight, round robin; -1 if every one has one. */
        private int nextIdleSession() {
            for (int tries = 0; tries < sockets.size(); tries++) {
                int candidate = cursor;
                cursor = (cursor + 1) % sockets.size();
                if (!inFlight[candidate]) {
                    return candidate;
                }
            }
            return -1;
        }

        long[] seqs() {
            return seqs.clone();
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
        final long messages;
        final long startNanos = System.nanoTime();
        final long deadline;
        final CompletableFuture<Void> answered = new CompletableFuture<>();
        final AtomicLong published = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        /** On the publishing loop only. */
        long sent;
        double publishSeconds;
        double deliverySeconds;

        Round(String label, DeliveryTracker.Phase phase, long messages, long maxNanos) {
            this.label = label;
            this.phase = phase;
            this.messages = messages;
            this.deadline = maxNanos == Long.MAX_VALUE ? Long.MAX_VALUE : startNanos + maxNanos;
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
