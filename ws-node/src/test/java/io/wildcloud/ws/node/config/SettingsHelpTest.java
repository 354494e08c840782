package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.NodeHelp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's {@code --help} holds every setting of the README's table, with its default and meaning. */
class SettingsHelpTest {

    /** One setting as {@code --help} prints it, continuation lines joined again. */
    record Entry(String name, String environment, String defaultShown, String meaning) {
    }

    private final String help = NodeHelp.help(new BuildInfo("1.2.3", "0123456789ab"));

    @Test
    void helpListsTheReadmeTableInPlainText() {
        List<Entry> expected = new ArrayList<>();
        for (ReadmeSettingsTable.Row row : ReadmeSettingsTable.rows()) {
            expected.add(new Entry(row.name(), SettingsHelp.environmentVariable("WS_", row.name()),
                    SettingDefinition.plain(row.defaultShown()), SettingDefinition.plain(row.meaning())));
        }
        List<Entry> printed = entries(help);
        for (int i = 0; i < Math.min(expected.size(), printed.size()); i++) {
            assertEquals(expected.get(i), printed.get(i), "setting " + (i + 1) + " of the README's table");
        }
        assertEquals(expected.size(), printed.size(), "settings in --help and rows in the README's table");
    }

    @Test
    void helpStartsWithVersionAndUsage() {
        List<String> lines = help.lines().toList();
        assertEquals("wildcloud-websockets node 1.2.3 (commit 0123456789ab)", lines.get(0));
        assertEquals("Usage: java [JVM options] -jar ws-node-1.2.3-all.jar [--name=value ...]", lines.get(2));
        assertEquals("       java -jar ws-node-1.2.3-all.jar --help | --version", lines.get(3));
        assertTrue(help.contains("\nSettings:\n\n  --mode, WS_MODE\n      default: push\n"
                + "      push (the service) or protocol-test (the four SockJS test services at the root)\n\n"), help);
    }

    @Test
    void linesStayWithinTheWidthAndAreAscii() {
        for (String line : help.lines().toList()) {
            assertTrue(line.length() <= SettingsHelp.WIDTH || !line.trim().contains(" "), "too long: " + line);
            assertTrue(line.chars().allMatch(c -> c < 128), "not ASCII: " + line);
        }
    }

    @Test
    void wrapBreaksAtSpacesOnlyAndKeepsTheText() {
        assertEquals(List.of("aaa bbb", "ccc", "dddddddddd", "e"), SettingsHelp.wrap("aaa bbb ccc dddddddddd e", 7));
        assertEquals(List.of("one"), SettingsHelp.wrap("one", 7));
        String text = SettingDefinition.plain(NodeConfig.ALL_DEFINITIONS.stream()
                .filter(definition -> definition.name().equals("io-threads")).findFirst().orElseThrow().meaning());
        assertEquals(text, String.join(" ", SettingsHelp.wrap(text, 40)));
    }

    @Test
    void flagsOnlyProgramsShowNoEnvironmentVariable() {
        String rendered = SettingsHelp.render(List.of(SettingDefinition.of("rate", "0", "messages per second; `0` = flat out")), null);
        assertEquals("  --rate\n      default: 0\n      messages per second; 0 = flat out\n\n", rendered);
    }

    /** Parses the blocks after {@code Settings:}: name line, default line, meaning lines, blank line. */
    static List<Entry> entries(String help) {
        List<String> lines = help.lines().toList();
        int at = lines.indexOf("Settings:") + 2;
        List<Entry> entries = new ArrayList<>();
        while (at < lines.size()) {
            String head = lines.get(at++);
            assertTrue(head.startsWith("  --"), "a setting's first line: " + head);
            String[] names = head.substring(4).split(", ");
            String defaultLine = lines.get(at++);
            assertTrue(defaultLine.startsWith("      default: "), "a setting's default line: " + defaultLine);
            List<String> meaning = new ArrayList<>();
            while (at < lines.size() && !lines.get(at).isEmpty()) {
                String line = lines.get(at++);
                assertTrue(line.startsWith("      "), "a meaning line: " + line);
                meaning.add(line.substring(6));
            }
            at++;
            entries.add(new Entry(names[0], names.length > 1 ? names[1] : null,
                    defaultLine.substring("      default: ".length()), String.join(" ", meaning)));
        }
        return entries;
    }
}
