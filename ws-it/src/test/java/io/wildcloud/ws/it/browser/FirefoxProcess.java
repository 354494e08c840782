package io.wildcloud.ws.it.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One headless Firefox process, with a fresh {@link FirefoxProfile} that is deleted when it ends, serving WebDriver BiDi on a loopback port it picks itself ({@code --remote-debugging-port=0};
 * it prints the address). Firefox starts a fork server and content processes below itself, so
 * ending it means ending that whole tree, which {@link #close()} does, by process handle (PID and
 * start time, so a reused PID is never hit).
 */
final class FirefoxProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_POLL = Duration.ofMillis(20);
    private static final int OUTPUT_LINES_KEPT = 40;

    private final Process process;
    private final FirefoxProfile profile;
    private final Thread shutdownHook;
    private URI bidi; // set once, when Firefox says where it listens

    private FirefoxProcess(Process process, FirefoxProfile profile, Thread shutdownHook) {
        this.process = process;
        this.profile = profile;
        this.shutdownHook = shutdownHook;
    }

    /** Starts {@code binary} and waits until it serves WebDriver BiDi. */
    static FirefoxProcess start(Path binary) throws IOException, InterruptedException {
        FirefoxProfile profile = FirefoxProfile.create();
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--headless", "--no-remote",
                "--profile", profile.profile().toString(), "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true);
        builder.environment().putAll(profile.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            profile.delete();
            throw e;
        }
        Thread hook = new Thread(() -> destroyTree(process), "stop firefox " + process.pid());
        Runtime.getRuntime().addShutdownHook(hook); // a test JVM that is killed must not leave Firefox behind
        FirefoxProcess firefox = new FirefoxProcess(process, profile, hook);
        try {
            firefox.bidi = new Output(process).awaitBidi();
            return firefox;
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                firefox.close();
            } catch (IOException | RuntimeException stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
    }

    /** {@code ws://127.0.0.1:PORT}; the BiDi session endpoint is its {@code /session}. */
    URI bidi() {
        return bidi;
    }

    /** The throwaway directory: profile, home and temporary files. */
    Path directory() {
        return profile.root();
    }

    /** Firefox and every process below it, now. */
    List<ProcessHandle> tree() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    }

    /**
     * Kills the process tree Firefox started, parent first, and deletes the profile. No clean
     * shutdown: the profile is thrown away, and asking Firefox to quit costs seconds per test class.
     */
    @Override
    public void close() throws IOException {
        // Snapshot the tree first: once the parent is gone, its children are no longer its descendants.
        List<ProcessHandle> tree = tree();
        try {
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree);
        } finally {
            removeShutdownHook();
            profile.delete();
        }
    }

    /**
     * Polls rather than {@link ProcessHandle#onExit()}: for a process that is not the JVM's own child
     * (the fork server's children), that backs off to seconds between checks.
     */
    private void awaitExit(List<ProcessHandle> tree) throws IOException {
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        while (tree.stream().anyMatch(FirefoxProcess::running)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("firefox process tree of " + process.pid() + " still runs " + EXIT_TIMEOUT
                        + " after SIGKILL: " + tree.stream().filter(FirefoxProcess::running).map(ProcessHandle::pid).toList());
            }
            try {
                Thread.sleep(EXIT_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for firefox " + process.pid() + " to end", e);
            }
        }
    }

    /**
     * Alive and not a zombie. The orphaned content processes become zombies of PID 1, which a
     * container's init may reap only a second later; a zombie has ended all the same.
     */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'; // "pid (name) S ..."
        } catch (IOException | RuntimeException noProcFile) {
            return handle.isAlive();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it does the same
        }
    }

    private static void destroyTree(Process process) {
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** Drains Firefox's output (it must never block on a full pipe) and finds the BiDi address in it. */
    private static final class Output {

        private final Process process;
        private final CompletableFuture<URI> bidi = new CompletableFuture<>();
        private final Deque<String> lastLines = new ArrayDeque<>();

        Output(Process process) {
            this.process = process;
            Thread reader = new Thread(this::drain, "firefox " + process.pid() + " output");
            reader.setDaemon(true);
            reader.start();
        }

        URI awaitBidi() throws InterruptedException, IOException {
            try {
                return bidi.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("firefox " + process.pid() + " did not serve WebDriver BiDi within "
                        + START_TIMEOUT + "; its last output:\n" + lastLines(), e);
            }
        }

        private void drain() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    keep(line);
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        bidi.complete(URI.create(listening.group(1)));
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
            bidi.completeExceptionally(new IOException("firefox exited"));
        }

        private synchronized void keep(String line) {
            if (lastLines.size() == OUTPUT_LINES_KEPT) {
                lastLines.removeFirst();
            }
            lastLines.addLast(line);
        }

        private synchronized String lastLines() {
            return String.join("\n", lastLines);
        }
    }
}
