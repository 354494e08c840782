package io.wildcloud.ws.node.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The settings table of the repository's README ("Configuration"), read row by row for tests. */
final class ReadmeSettingsTable {

    static final String HEADER = "| setting | default | meaning |";
    static final String RULE = "| --- | --- | --- |";

    /** One row's cells, Markdown as written. */
    record Row(String name, String defaultShown, String meaning) {
    }

    private ReadmeSettingsTable() {
    }

    /** ws-node's tests run in ws-node/, the README is one folder up. */
    static Path readme() {
        return Path.of("..", "README.md").toAbsolutePath().normalize();
    }

    /** The table's rows as lines, from the header's rule to the first line that is not a row. */
    static List<String> lines(String readme) {
        List<String> all = readme.lines().toList();
        int header = all.indexOf(HEADER);
        if (header < 0 || header + 1 >= all.size() || !all.get(header + 1).equals(RULE)) {
            throw new AssertionError("README.md has no settings table: expected the lines\n" + HEADER + "\n" + RULE);
        }
        List<String> rows = new ArrayList<>();
        for (String line : all.subList(header + 2, all.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            rows.add(line);
        }
        return rows;
    }

    static List<String> lines() {
        try {
            return lines(Files.readString(readme(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a row into its three cells; the name loses its backquotes. */
    static Row parse(String line) {
        String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
        if (cells.length != 3 || !cells[0].startsWith("`") || !cells[0].endsWith("`")) {
            throw new AssertionError("not a settings row (| `name` | default | meaning |): " + line);
        }
        return new Row(cells[0].substring(1, cells[0].length() - 1), cells[1], cells[2]);
    }

    static List<Row> rows() {
        return lines().stream().map(ReadmeSettingsTable::parse).toList();
    }
}
