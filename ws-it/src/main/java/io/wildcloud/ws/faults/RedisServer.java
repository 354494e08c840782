package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} the rig started on a free loopback port, with AOF ({@code appendfsync
 * always}, see {@link #APPENDFSYNC}) in a directory of its own, and {@code maxmemory-policy noeviction} as the README asks.
 * Faults are signals to its PID: {@link #stall} (SIGSTOP) and {@link #resume} (SIGCONT), {@link
 * #kill} (SIGKILL); {@link #restart} starts it again on the same port with its data (the AOF), or
 * empty after {@link #deleteData}.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /**
     * {@code always}: a SIGKILLed Redis then restarts with every write it answered, so the fault
     * tests can assert that nothing is lost. With {@code everysec} (what most deployments run) a
     * crash may lose up to a second of answered writes, messages the API accepted among them: the
     * store's promise, not the node's (README, "Deploying a cluster").
     * {@code -Dws.faults.appendfsync=everysec} runs the rig that way.
     */
    static final String APPENDFSYNC = System.getProperty("ws.faults.appendfsync", "always");

    private final String executable;
    private final Path dir;
    private final int port;
    private static final String FILLER = "filler:";

    private Process process;
    private volatile int fillers;

    private RedisServer(String executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
    }

    /** Starts one on a free port; {@code dir} holds its AOF and log. */
    public static RedisServer start(String executable, Path dir) {
        for (int attempt = 1; ; attempt++) {
            RedisServer redis = new RedisServer(executable, dir, LoopbackPorts.pick());
            try {
                redis.restart();
                return redis;
            } catch (IllegalStateException e) {
                redis.close(); // if it runs but did not answer in time; the next try takes another port
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Starts the server (again) on its port; with the AOF left in its directory it loads its data. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server " + process.pid() + " still runs");
        }
        List<String> command = new ArrayList<>(List.of(executable, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--daemonize", "no", "--dir", dir.toString(), "--save", "",
                "--appendonly", "yes", "--appendfsync", APPENDFSYNC, "--maxmemory-policy", "noeviction",
                "--logfile", dir.resolve("redis.log").toString()));
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!RedisCommand.ready(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " did not start: see " + dir);
            }
            Processes.pause(20);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGSTOP: connections stay open and nothing is answered, as in a stall or a partition. */
    public void stall() {
        Processes.signal(pid(), "STOP");
    }

    /** SIGCONT after {@link #stall}. */
    public void resume() {
        Processes.signal(pid(), "CONT");
    }

    /** SIGKILL, and waits for the process to end. */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the AOF of a killed server, so that {@link #restart} starts it empty. */
    public synchronized void deleteData() {
        if (process.isAlive()) {
            throw new IllegalStateException("kill it first");
        }
        Path aof = dir.resolve("appendonlydir");
        if (Files.exists(aof)) {
            try (Stream<Path> files = Files.walk(aof)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Runs one command on it (see {@link RedisCommand#run}). */
    public String command(String... args) throws IOException {
        return RedisCommand.run(port, args);
    }

    /** {@code INFO} field {@code used_memory}, in bytes. */
    public long usedMemory() throws IOException {
        return Long.parseLong(RedisCommand.info(port, "used_memory").trim());
    }

    /**
     * Fills Redis: {@code maxmemory} set to what it uses now plus {@code headroom}, then 64 KiB
     * values under {@code filler:<n>} until Redis refuses a write ({@code OOM command not allowed}).
     * Returns how many it took; {@link #unfill} undoes it.
     */
    public int fill(long headroomBytes) throws IOException {
        command("CONFIG", "SET", "maxmemory", Long.toString(usedMemory() + headroomBytes));
        String value = "x".repeat(64 * 1024);
        for (int n = 0; n < 100_000; n++) {
            try {
                command("SET", FILLER + n, value);
            } catch (IOException refused) {
                if (String.valueOf(refused.getMessage()).contains("OOM")) {
                    fillers = n;
                    // Below what it uses now: freed buffers must not let the next write fit again.
                    command("CONFIG", "SET", "maxmemory", Long.toString(usedMemory() - (512 << 10)));
                    return n;
                }
                throw refused;
            }
        }
        throw new IOException("Redis took 100,000 filler values without refusing one");
    }

    /** Deletes the filler values and lifts {@code maxmemory} (0: no limit). */
    public void unfill() throws IOException {
        command("CONFIG", "SET", "maxmemory", "0");
        for (int n = 0; n < fillers; n++) {
            command("DEL", FILLER + n);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            Processes.signal(process.pid(), "CONT"); // a stalled server ignores SIGTERM
            Processes.stop(process);
        }
    }

    @Override
    public String toString() {
        return "redis-server on 127.0.0.1:" + port + (process != null ? " pid " + process.pid() : "");
    }
}
