package io.wildcloud.ws.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/** A server process the benchmark started (a node or redis-server): its CPU time, and a stop by PID. */
final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;

    private ManagedProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    static ManagedProcess start(String name, List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // A benchmark stopped by a signal runs no finally block: its servers still go with it.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-" + name));
        return new ManagedProcess(name, process);
    }

    /**
     * CPU time (user + system) the process and its living descendants have used so far: nginx's
     * worker, which does Nchan's work, is a child of the process started.
     */
    Duration cpu() {
        return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
                .map(handle -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The process's pid and its living descendants' (nginx's worker). */
    private List<Long> pids() {
        return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
                .map(ProcessHandle::pid).toList();
    }

    /**
     * The process's user and system CPU time so far (Linux's {@code /proc/<pid>/stat}, 100 ticks a
     * second), or two zeros off Linux: on loopback a send's system time includes the receiving
     * side's TCP work, so the split says how much of a message's cost is the kernel's.
     */
    Duration[] userAndSystemCpu() {
        long userTicks = 0;
        long systemTicks = 0;
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                userTicks += Long.parseLong(fields[11]);
                systemTicks += Long.parseLong(fields[12]);
            } catch (IOException notLinuxOrGone) {
                // nothing to add
            }
        }
        return new Duration[] {Duration.ofMillis(userTicks * 10), Duration.ofMillis(systemTicks * 10)};
    }

    /**
     * CPU time of the process's JIT compiler threads (HotSpot's {@code C1/C2 CompilerThread}s, from
     * Linux's {@code /proc} at 100 ticks a second), or {@link Duration#ZERO} where that cannot be
     * read. A short warm-up leaves compiling to the measured window, and how much depends on the
     * machine's load: this says how much of the process's CPU was that.
     */
    Duration compilerCpu() {
        long ticks = sumOverThreads("stat", stat -> {
            int nameEnd = stat.lastIndexOf(')');
            String name = stat.substring(stat.indexOf('(') + 1, nameEnd);
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String[] fields = stat.substring(nameEnd + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        });
        return Duration.ofMillis(Math.max(0, ticks) * 10);
    }

    /**
     * Times a thread of the process went to sleep and was woken (the voluntary context switches of
     * all its threads, Linux's {@code /proc}), or -1 where that cannot be read. At a fixed rate
     * this is what an idle event loop pays per message on top of the work.
     */
    long wakeUps() {
        return sumOverThreads("status", status -> {
            for (String line : status.split("\n")) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return 0;
        });
    }

    /**
     * {@code perThread} of each thread's {@code /proc/<pid>/task/<tid>/<file>}, summed over the
     * process and its descendants; -1 off Linux.
     */
    private long sumOverThreads(String file, ToLongFunction<String> perThread) {
        long total = 0;
        for (long pid : pids()) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (var threads = Files.list(tasks)) {
                for (Path thread : (Iterable<Path>) threads::iterator) {
                    try {
                        total += perThread.applyAsLong(Files.readString(thread.resolve(file)));
                    } catch (IOException threadEnded) {
                        // gone meanwhile
                    }
                }
            } catch (IOException | UncheckedIOException notLinux) {
                if (pid == process.pid()) {
                    return -1;
                }
            }
        }
        return total;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until {@code url} answers 200; fails at once if the process ended (a port taken meanwhile). */
    void awaitHttp(URI url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended before " + url + " answered (see its log)");
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(1000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(url + " did not answer 200 within " + timeout);
    }

    static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** Kills the process (SIGKILL: no drain, its connections just end) and waits for it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
