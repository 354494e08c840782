package io.wildcloud.ws.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process that a test started on a free loopback port, with persistence
 * off. Stopped by its own PID on {@link #close()} or at JVM end; never touches any other Redis.
 */
public final class RedisServerProcess implements AutoCloseable {

    public static final String REDIS_SERVER = "/usr/bin/redis-server";
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final int port;
    private final Process process;
    private final Path dir;
    private final Thread shutdownHook;

    private RedisServerProcess(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
        this.shutdownHook = new Thread(process::destroyForcibly, "redis-server-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a plain Redis on a free port, retrying with another port if one was taken meanwhile. */
    public static RedisServerProcess start(String... extraArgs) {
        return start(false, extraArgs);
    }

    /**
     * Starts a Redis on a free port.
     *
     * @param clusterNode whether the port's cluster bus port (+10000) must be free too
     */
    public static RedisServerProcess start(boolean clusterNode, String... extraArgs) {
        if (!new File(REDIS_SERVER).canExecute()) {
            throw new IllegalStateException(REDIS_SERVER + " not found: install the Debian package redis-server,"
                    + " or set REDIS_URL");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = FreePorts.next(clusterNode);
            try {
                return startOn(port, extraArgs);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Starts a Redis on {@code port} (e.g. again where a stopped one was); fails if it is taken. */
    public static RedisServerProcess startOn(int port, String... extraArgs) {
        if (port == FreePorts.FORBIDDEN_REDIS_PORT) {
            throw new IllegalArgumentException("port 6379 is the machine's Redis: tests never use it");
        }
        Path dir = tempDir(port);
        List<String> command = new ArrayList<>(List.of(REDIS_SERVER,
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(List.of(extraArgs));
        return launch(port, dir, command);
    }

    /**
     * Starts a Redis Sentinel on a free port that watches the master at {@code 127.0.0.1:masterPort}
     * under {@code masterName} (Sentinel needs a configuration file it may rewrite).
     */
    public static RedisServerProcess startSentinel(String masterName, int masterPort) {
        int port = FreePorts.next(false);
        Path dir = tempDir(port);
        Path conf = dir.resolve("sentinel.conf");
        try {
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "dir " + dir,
                    "logfile " + dir.resolve("sentinel.log"),
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + masterName + " 2000",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launch(port, dir, List.of(REDIS_SERVER, conf.toString(), "--sentinel"));
    }

    private static Path tempDir(int port) {
        try {
            return Files.createTempDirectory("redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisServerProcess launch(int port, Path dir, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + REDIS_SERVER, e);
        }
        RedisServerProcess server = new RedisServerProcess(port, process, dir);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                server.close();
                throw new IllegalStateException("redis-server on port " + port + " exited: see " + dir);
            }
            if (RedisProbe.answersPing("127.0.0.1", port)) {
                return server;
            }
            pause(20);
        }
        server.close();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING in time");
    }

    /** {@code INFO memory}'s {@code used_memory}: the bytes this server holds now. */
    public long usedMemory() {
        for (String line : command("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    /** Sends one command to this server and returns its reply as text (RedisProbe). */
    public String command(String... command) {
        try {
            return RedisProbe.command(host(), port(), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the process (SIGSTOP to its PID): connections stay open and nothing is answered, as in a stall. */
    public void suspend() {
        Signals.send(process.pid(), "STOP");
    }

    /** Lets a {@linkplain #suspend() frozen} process run again (SIGCONT to its PID). */
    public void resume() {
        Signals.send(process.pid(), "CONT");
    }

    /** Stops the process abruptly (SIGKILL), as a crash would; {@link #close()} is then a no-op. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // A frozen process would not act on SIGTERM.
            Signals.send(process.pid(), "CONT");
        }
        process.destroy();
        waitForExit();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook itself.
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    @Override
    public String toString() {
        return "redis-server pid " + pid() + " on 127.0.0.1:" + port + " (" + dir + ")";
    }
}
