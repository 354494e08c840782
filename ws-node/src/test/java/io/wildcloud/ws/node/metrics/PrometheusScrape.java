package io.wildcloud.ws.node.metrics;

import java.util.ArrayList;
import java.util.List;

/** One scrape of {@code /metrics} in Prometheus text format, read by series name and labels. */
final class PrometheusScrape {

    private final String text;

    PrometheusScrape(String text) {
        this.text = text;
    }

    /**
     * The value of the one sample named {@code name} whose labels include every
     * {@code label="value"} given; fails if there is none or more than one.
     */
    double value(String name, String... labels) {
        List<String> found = samples(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " with " + List.of(labels) + ": " + found
                    + "\nin scrape:\n" + text);
        }
        String line = found.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** Whether a sample named {@code name} with those labels exists. */
    boolean has(String name, String... labels) {
        return !samples(name, labels).isEmpty();
    }

    private List<String> samples(String name, String... labels) {
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String labelPart = line.startsWith(name + "{") ? line.substring(name.length(), line.indexOf('}') + 1) : "";
            boolean all = true;
            for (String label : labels) {
                int eq = label.indexOf('=');
                String wanted = label.substring(0, eq) + "=\"" + label.substring(eq + 1) + "\"";
                if (!labelPart.contains("{" + wanted) && !labelPart.contains("," + wanted)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                found.add(line);
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return text;
    }
}
