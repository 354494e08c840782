package io.wildcloud.ws.node.config;

import io.wildcloud.ws.common.net.Cidr;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Raw settings by name ({@code public-port}), merged from a properties file, the environment
 * ({@code WS_PUBLIC_PORT}) and command-line flags ({@code --public-port=8080}), later sources
 * winning. The same names everywhere, so a setting documented once works in all three.
 */
public final class Settings {

    /** Environment variables that name settings start with this. */
    public static final String ENV_PREFIX = "WS_";

    private final Map<String, String> values;
    private final Map<String, String> sources;
    /** Every name asked for, so a test can hold what {@code from()} reads to the documented settings. */
    private final Set<String> namesRead = new TreeSet<>();

    private Settings(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /**
     * Reads the file named by {@code --config}/{@code WS_CONFIG} (if any), then the environment,
     * then the flags.
     */
    public static Settings load(String[] args, Map<String, String> env) {
        Map<String, String> flags = parseFlags(args);
        Map<String, String> fromEnv = fromEnvironment(env);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        String file = flags.getOrDefault("config", fromEnv.get("config"));
        if (file != null) {
            readFile(Path.of(file)).forEach((k, v) -> {
                values.put(k, v);
                sources.put(k, "file " + file);
            });
        }
        fromEnv.forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "environment " + ENV_PREFIX + k.toUpperCase(Locale.ROOT).replace('-', '_'));
        });
        flags.forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "flag --" + k);
        });
        values.remove("config");
        return new Settings(values, sources);
    }

    /** Settings given directly, e.g. by tests. */
    public static Settings of(Map<String, String> values) {
        return new Settings(new LinkedHashMap<>(values), new LinkedHashMap<>());
    }

    private static Map<String, String> parseFlags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "': settings are given as --name=value");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            flags.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        return flags;
    }

    private static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                values.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        return values;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        return values;
    }

    /**
     * Fails start-up on a flag or file setting nobody reads: almost always a typo. Unknown
     * {@code WS_*} environment variables are dropped instead and returned, for a warning: platforms
     * set variables of their own there (Kubernetes, for a Service named {@code ws}, sets
     * {@code WS_PORT}, {@code WS_SERVICE_HOST}, ...).
     */
    public Set<String> rejectUnknown(Set<String> known) {
        Set<String> ignored = new TreeSet<>();
        for (String name : new TreeSet<>(values.keySet())) {
            if (known.contains(name)) {
                continue;
            }
            String source = sources.getOrDefault(name, "code");
            if (source.startsWith("environment ")) {
                ignored.add(source.substring("environment ".length()));
                values.remove(name);
                continue;
            }
            throw new ConfigException("unknown setting " + name + " (from " + source + "); known settings: "
                    + new TreeSet<>(known));
        }
        return ignored;
    }

    public Optional<String> get(String name) {
        namesRead.add(name);
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }

    /** The names asked for so far ({@link #get} and the typed getters). */
    Set<String> namesRead() {
        return Set.copyOf(namesRead);
    }

    public String string(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        return (int) longInteger(name, fallback, min, max);
    }

    /** As {@link #integer}, for byte counts past 2 GiB. */
    public long longInteger(String name, long fallback, long min, long max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value < min || value > max) {
                throw ConfigException.invalid(name, raw.get(), "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(name, raw.get(), "must be a whole number between " + min + " and " + max);
        }
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw ConfigException.invalid(name, raw.get(), "must be true or false");
        };
    }

    /** A comma-separated list of addresses or networks in CIDR notation ({@link Cidr}); empty when not set. */
    public List<Cidr> networks(String name, String example) {
        String raw = string(name, "");
        try {
            return Cidr.parseList(raw);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(name, raw, "must be a comma-separated list of addresses or networks in CIDR"
                    + " notation such as " + example + " (" + e.getMessage() + ")");
        }
    }

    /** A duration such as {@code 250ms}, {@code 25s}, {@code 5m} or {@code 24h}. */
    public Duration duration(String name, Duration fallback) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        Duration parsed = parseDuration(raw.get());
        if (parsed == null || parsed.isNegative() || parsed.isZero()) {
            throw ConfigException.invalid(name, raw.get(), "must be a positive duration such as 250ms, 25s, 5m or 24h");
        }
        return parsed;
    }

    /** As {@link #duration(String, Duration)}, within {@code min} and {@code max}. */
    public Duration duration(String name, Duration fallback, Duration min, Duration max) {
        Duration parsed = duration(name, fallback);
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw ConfigException.invalid(name, get(name).orElse(""), "must be between " + min.toSeconds() + "s and "
                    + max.toSeconds() + "s");
        }
        return parsed;
    }

    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < value.length() && Character.isDigit(value.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 12) {
            return null;
        }
        long amount = Long.parseLong(value.substring(0, split));
        return switch (value.substring(split)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> null;
        };
    }
}
