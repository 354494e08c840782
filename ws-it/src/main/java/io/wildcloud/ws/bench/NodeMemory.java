package io.wildcloud.ws.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One look at a node's memory from outside: RSS from {@code /proc/<pid>/status}, Netty's direct
 * memory from the node's {@code ws_netty_direct_memory_bytes} gauge, and the live heap from
 * {@code jcmd GC.class_histogram} (which runs a full GC first, so its total is what is reachable).
 * RSS is read first, before that GC can give memory back to the system.
 *
 * @param rssBytes resident set size
 * @param directBytes direct memory Netty holds
 * @param liveHeapBytes bytes of reachable objects after a full GC
 * @param histogram bytes and instances by class name, from the same histogram
 * @param openSessions SockJS sessions the node had open ({@code ws_sessions_open}, all transports)
 */
record NodeMemory(long rssBytes, long directBytes, long liveHeapBytes, Map<String, long[]> histogram, long openSessions) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static NodeMemory of(long pid, int apiPort, Path histogramFile) throws IOException, InterruptedException {
        long rss = rssBytes(pid);
        long direct = (long) metric(apiPort, "ws_netty_direct_memory_bytes");
        long open = openSessions(apiPort);
        String histogram = jcmd(pid, "GC.class_histogram");
        Files.writeString(histogramFile, histogram);
        Map<String, long[]> byClass = new HashMap<>();
        long total = -1;
        for (String line : histogram.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && cols[0].equals("Total")) {
                total = Long.parseLong(cols[2]);
            } else if (cols.length >= 4 && cols[0].endsWith(":")) {
                byClass.put(cols[3], new long[] {Long.parseLong(cols[1]), Long.parseLong(cols[2])});
            }
        }
        if (total < 0) {
            throw new IOException("no Total line in the class histogram of " + pid + ": " + histogramFile);
        }
        return new NodeMemory(rss, direct, total, byClass, open);
    }

    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    static long openSessions(int apiPort) throws IOException, InterruptedException {
        return (long) metric(apiPort, "ws_sessions_open");
    }

    /** The sum of the series of {@code name} in the node's {@code /metrics}. */
    private static double metric(int apiPort, String name) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new IOException("no " + name + " in the node's /metrics");
        }
        return sum;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process process = new ProcessBuilder(List.of(jcmd, String.valueOf(pid), command)).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out));
        }
        return new String(out);
    }
}
