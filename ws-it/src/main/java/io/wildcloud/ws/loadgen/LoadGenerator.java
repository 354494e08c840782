package io.wildcloud.ws.loadgen;

import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.config.InfoRequest;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
        Optional<InfoRequest> info = InfoRequest.find(args);
        if (info.isPresent()) {
            BuildInfo build = BuildInfo.current();
            System.out.print(info.get() == InfoRequest.HELP ? LoadOptions.help(build) : build.versionLine(LoadOptions.PROGRAM) + "\n");
            System.out.flush();
            System.exit(0);
            return;
        }
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
        try (ClientLoops loops = ClientLoops.create(options.ioThreads(), options.sourceAddress());
             HttpPublisher publisher = new HttpPublisher(loops, options.apiUrls(), options.apiConnections(),
                     options.messageBytes(), options.target())) {
            ApiClient api = new ApiClient(http, options.apiUrls());
            long authorizing = System.nanoTime();
            List<String> sockets = options.target() == Target.NCHAN ? nchanChannels() : authorizeAll(api);
            long opening = System.nanoTime();
            List<String> transports = new ArrayList<>();
            for (int i = 0; i < options.sessions(); i++) {
                transports.add(options.transportOf(i).label());
            }
            DeliveryTracker tracker = new DeliveryTracker(options.sessions(), options.warmup() > 0, transports);
            Map<String, Integer> byTransport = new TreeMap<>();
            List<SessionSlot> clients = new ArrayList<>();
            List<CompletableFuture<Void>> opens = new ArrayList<>();
            for (int i = 0; i < options.sessions(); i++) {
                int session = i;
                SessionClient.Transport transport = options.transportOf(i);
                byTransport.merge(transport.label(), 1, Integer::sum);
                URI publicUrl = options.publicUrls().get(i % options.publicUrls().size());
                URI endpoint = URI.create(publicUrl + "/" + sockets.get(i));
                URI nchanSubscriber = URI.create(publicUrl + Target.NCHAN_SUBSCRIBE_PATH + sockets.get(i));
                // A session that ends under a fault is reopened, as an application on sockjs-client would.
                SessionSlot slot = new SessionSlot(session, () -> options.target() == Target.NCHAN
                        ? SessionClient.plainWebSocket(loops, nchanSubscriber, message -> tracker.received(session, message))
                        : SessionClient.create(transport, http, loops, endpoint, message -> tracker.received(session, message)),
                        tracker, options.churn(), loops.group().next());
                clients.add(slot);
                if (i >= options.openConcurrency()) {
                    awaitQuietly(opens.get(i - options.openConcurrency()));
                }
                opens.add(slot.open());
            }
            int failed = 0;
            for (CompletableFuture<Void> open : opens) {
                try {
                    open.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failed++;
                }
            }
            long opened = System.nanoTime();
            progress.printf(Locale.ROOT, "opened %d sessions %s, %d failed, in %.1f s (authorize %.1f s before); "
                            + "%d API connections per URL over %s%n",
                    options.sessions() - failed, byTransport, failed, (opened - opening) / 1e9,
                    (opening - authorizing) / 1e9, options.apiConnections(), loops.transportName());
            if (!options.idle().isZero()) {
                progress.printf(Locale.ROOT, "idle for %d s%n", options.idle().toSeconds());
                TimeUnit.NANOSECONDS.sleep(options.idle().toNanos());
            }
            awaitFile(options.goFile(), "waiting for %s%n");
            publisher.connect();

            PublishRounds publishing = new PublishRounds(options, progress, loops.group().next(), publisher, sockets, tracker);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("loadgen-progress"));
            ticker.scheduleAtFixedRate(publishing::printProgress, 1, 1, TimeUnit.SECONDS);
            long warmupPublished = 0;
            if (options.warmup() > 0) {
                PublishRounds.Round warmup = publishing.round("warm-up", tracker.warmup(), options.warmup(), Long.MAX_VALUE);
                warmupPublished = warmup.published.get();
                progress.printf(Locale.ROOT, "warm-up done: %d published, %d errors, %d delivered, %d missing%n",
                        warmupPublished, warmup.errors.get(), tracker.warmup().delivered(), tracker.warmup().missing());
                tracker.startMeasuring(publishing.seqs());
            }
            tracker.publishingStarted();
            if (phases != null) {
                phases.publishing();
            }
            long limit = options.messages() > 0 ? options.messages() : Long.MAX_VALUE;
            PublishRounds.Round measured = publishing.round("measured", tracker.measured(), limit, options.duration().toNanos());
            if (phases != null) {
                phases.settled();
            }
            ticker.shutdownNow();
            publishing.printProgress();
            awaitFile(options.closeFile(), "settled; waiting for %s to close the sessions%n");
            clients.forEach(SessionSlot::stop);
            return LoadResult.of(options.sessions(), byTransport, failed, warmupPublished, tracker,
                    measured.published.get(), measured.errors.get(), measured.errorsByStatus(),
                    measured.queuedForNoSession.get(), measured.publishSeconds,
                    measured.deliverySeconds);
        }
    }

    /**
     * Authorizes a socket per session, {@value #AUTHORIZE_THREADS} at a time: one at a time, an
     * authorize that takes half a second on a loaded machine made 100,000 sessions an hour's work.
     */
    private List<String> authorizeAll(ApiClient api) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(AUTHORIZE_THREADS,
                daemon("loadgen-authorize"));
        try {
            List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < options.sessions(); i++) {
                String client = "loadgen-" + run + "-" + i;
                answers.add(pool.submit(() -> api.authorize(options.application(), client, options.callbackUrl())));
            }
            List<String> sockets = new ArrayList<>();
            for (java.util.concurrent.Future<String> answer : answers) {
                try {
                    sockets.add(answer.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return sockets;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final int AUTHORIZE_THREADS = 16;

    /** Nchan needs no authorize: a channel per session, named for this run. */
    private List<String> nchanChannels() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < options.sessions(); i++) {
            channels.add("loadgen" + run + "c" + i);
        }
        return channels;
    }

    /** Waits until {@code file} exists (at most {@code --duration}), saying so first; null: no wait. */
    private void awaitFile(java.nio.file.Path file, String saying) throws InterruptedException {
        if (file == null) {
            return;
        }
        progress.printf(Locale.ROOT, saying, file);
        long deadline = System.nanoTime() + options.duration().toNanos();
        while (!java.nio.file.Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + options.duration());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Waits for one open, whatever its outcome (counted later), at most 30 s. */
    private static void awaitQuietly(CompletableFuture<Void> open) throws InterruptedException {
        try {
            open.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException counted) {
            // counted as failed below
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
