package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LostMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays lost messages beside the faults: each falls in the window of the last fault that began
 * before it was published (or before any fault). Per window, how many were lost in sessions that
 * stayed open and in sessions the fault closed, per transport, and the first and last publish
 * time relative to the fault's start: a loss that a fault causes clusters right after it.
 */
public final class LossWindows {

    private LossWindows() {
    }

    /** A few lines, one per window with losses; empty when nothing was lost. */
    public static String summary(List<LostMessage> lost, List<FaultRecord> faults) {
        List<List<LostMessage>> windows = new ArrayList<>();
        for (int i = 0; i <= faults.size(); i++) {
            windows.add(new ArrayList<>());
        }
        for (LostMessage message : lost) {
            windows.get(windowOf(message.publishedAt(), faults)).add(message);
        }
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < windows.size(); w++) {
            List<LostMessage> window = windows.get(w);
            if (window.isEmpty()) {
                continue;
            }
            double start = w == 0 ? 0 : faults.get(w - 1).at().toMillis() / 1e3;
            String name = w == 0 ? "before any fault" : String.format(Locale.ROOT, "after %s %s (t=%.1fs, lasted %.1f s)",
                    faults.get(w - 1).fault(), faults.get(w - 1).target(), start,
                    faults.get(w - 1).lasted().toMillis() / 1e3);
            String from = w == 0 ? "the load's start" : "the fault's start";
            text.append(String.format(Locale.ROOT, "%s: %s%n", name, describe(window, true, start, from)));
            text.append(String.format(Locale.ROOT, "    %s%n", describe(window, false, start, from)));
        }
        return text.toString();
    }

    // Index into the windows: 0 before the first fault, k after fault k (1-based).
    private static int windowOf(double publishedAt, List<FaultRecord> faults) {
        int window = 0;
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i).at().toMillis() / 1e3 <= publishedAt) {
                window = i + 1;
            }
        }
        return window;
    }

    private static String describe(List<LostMessage> window, boolean inOpen, double start, String from) {
        Map<String, Integer> byTransport = new TreeMap<>();
        double first = Double.MAX_VALUE;
        double last = -Double.MAX_VALUE;
        int count = 0;
        for (LostMessage message : window) {
            if (message.inOpenSession() != inOpen) {
                continue;
            }
            count++;
            byTransport.merge(message.transport(), 1, Integer::sum);
            first = Math.min(first, message.publishedAt() - start);
            last = Math.max(last, message.publishedAt() - start);
        }
        String where = inOpen ? "in sessions that stayed open" : "in sessions the fault closed";
        return count == 0 ? "0 lost " + where : String.format(Locale.ROOT,
                "%d lost %s %s, published %+.3f s .. %+.3f s from %s", count, where, byTransport,
                first, last, from);
    }
}
