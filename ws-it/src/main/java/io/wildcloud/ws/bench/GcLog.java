package io.wildcloud.ws.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's GC log ({@code -Xlog:gc:file=...}): the pauses logged between two marks, so that the
 * benchmark can say how often and how long the collector stopped the node while it measured.
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("Pause .* (\\d+\\.\\d+)ms$");

    private final Path file;
    private int mark;

    GcLog(Path file) {
        this.file = file;
    }

    /** The JVM option that writes this log. */
    String option() {
        return "-Xlog:gc:file=" + file;
    }

    /** Pauses before this call are not counted. */
    void mark() {
        mark = lines().size();
    }

    /** Pauses logged since {@link #mark}: how many, their total and the longest. */
    String pausesSinceMark() {
        List<String> lines = lines();
        int count = 0;
        double total = 0;
        double longest = 0;
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                double ms = Double.parseDouble(pause.group(1));
                count++;
                total += ms;
                longest = Math.max(longest, ms);
            }
        }
        return String.format(Locale.ROOT, "%d pauses, %.1f ms in all, longest %.1f ms", count, total, longest);
    }

    private List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
