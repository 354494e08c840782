package io.wildcloud.ws.node.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One documented setting: its name, the default as shown, and what it means. The groups of
 * {@link NodeConfig} list theirs ({@code DEFINITIONS}); their {@code SETTINGS} name sets, {@code --help}
 * and the README's settings table ("Configuration", checked by a test) all come from these lists.
 * Texts are Markdown as in the README; {@link #plain} turns them into terminal text.
 *
 * @param name the setting's name, as flag ({@code --name}), file key and, upper case, environment variable
 * @param defaultValue the default written as a value the setting accepts ({@code 25s}), which parses
 *     to the default {@code from()} uses (a test holds them equal); {@code null} when the default
 *     is not a value one could write ({@code random}, {@code number of cores})
 * @param defaultShown the default as the README and {@code --help} show it
 * @param meaning what the setting does, one README table cell
 */
public record SettingDefinition(String name, String defaultValue, String defaultShown, String meaning) {

    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)]+)\\)");

    public SettingDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultShown, "defaultShown");
        Objects.requireNonNull(meaning, "meaning");
    }

    /** A setting whose default is a value one could write, shown as {@code `value`}. */
    public static SettingDefinition of(String name, String defaultValue, String meaning) {
        return new SettingDefinition(name, defaultValue, "`" + defaultValue + "`", meaning);
    }

    /** A setting whose default is described, not written as a value ({@code random}, {@code none}). */
    public static SettingDefinition described(String name, String defaultShown, String meaning) {
        return new SettingDefinition(name, null, defaultShown, meaning);
    }

    /** The names, in order. */
    public static Set<String> names(List<SettingDefinition> definitions) {
        Set<String> names = new LinkedHashSet<>();
        for (SettingDefinition definition : definitions) {
            if (!names.add(definition.name())) {
                throw new IllegalStateException("setting " + definition.name() + " is defined twice");
            }
        }
        return Set.copyOf(names);
    }

    /** This setting as a row of the README's settings table. */
    public String markdownRow() {
        return "| `" + name + "` | " + defaultShown + " | " + meaning + " |";
    }

    /**
     * Markdown as terminal text: code spans lose their backquotes, a link to a README section keeps
     * its text, a link to a file becomes {@code text (file)} (or the file alone when they are the same),
     * an ellipsis three dots and an en dash a hyphen.
     */
    public static String plain(String markdown) {
        Matcher links = LINK.matcher(markdown);
        StringBuilder text = new StringBuilder();
        while (links.find()) {
            String label = links.group(1);
            String target = links.group(2);
            String replacement = target.startsWith("#") || target.equals(label) ? label : label + " (" + target + ")";
            links.appendReplacement(text, Matcher.quoteReplacement(replacement));
        }
        links.appendTail(text);
        // ASCII only: a terminal in the C locale would print '?' for the README's typography.
        return text.toString().replace("`", "").replace("\u2026", "...").replace("\u2013", "-");
    }
}
