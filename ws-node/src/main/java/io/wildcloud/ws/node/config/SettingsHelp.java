package io.wildcloud.ws.node.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders settings for {@code --help}: per setting a line with its flag (and environment variable,
 * for the node), a line with its default, then its meaning wrapped and indented, all as plain
 * text ({@link SettingDefinition#plain}). The node, the load generator and the demo print theirs this way.
 */
public final class SettingsHelp {

    /** Where wrapped lines end at most (a word longer than a line stays whole). */
    static final int WIDTH = 100;
    static final String NAME_INDENT = "  ";
    static final String TEXT_INDENT = "      ";
    static final String DEFAULT_LABEL = "default: ";

    private SettingsHelp() {
    }

    /**
     * One block per setting, separated by blank lines.
     *
     * @param environmentPrefix the prefix of environment variables naming settings ({@code WS_}), or
     *     {@code null} when the program reads flags only
     */
    public static String render(List<SettingDefinition> definitions, String environmentPrefix) {
        StringBuilder text = new StringBuilder();
        for (SettingDefinition definition : definitions) {
            text.append(NAME_INDENT).append("--").append(definition.name());
            if (environmentPrefix != null) {
                text.append(", ").append(environmentVariable(environmentPrefix, definition.name()));
            }
            text.append('\n');
            text.append(TEXT_INDENT).append(DEFAULT_LABEL).append(SettingDefinition.plain(definition.defaultShown())).append('\n');
            for (String line : wrap(SettingDefinition.plain(definition.meaning()), WIDTH - TEXT_INDENT.length())) {
                text.append(TEXT_INDENT).append(line).append('\n');
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** {@code WS_PUBLIC_PORT} for {@code public-port}: the mapping {@link Settings} reads. */
    public static String environmentVariable(String prefix, String name) {
        return prefix + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Breaks at spaces only, so joining the lines with one space gives the text back. */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            } else if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
