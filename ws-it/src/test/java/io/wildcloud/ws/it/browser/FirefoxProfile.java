package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The throwaway directory of one Firefox run: a fresh profile with our {@code user.js}, and a home
 * and temporary directory beside it, so that nothing Firefox writes (caches, desktop settings,
 * temporary files) lands in the user's home or outlives the run.
 */
final class FirefoxProfile {

    /**
     * user.js: no first-run pages, updates, telemetry or background fetches (the only traffic is
     * what the pages load), and no timer throttling in background tabs (the two-tab checks).
     */
    private static final Map<String, Object> PREFERENCES = Map.ofEntries(
            Map.entry("browser.shell.checkDefaultBrowser", false),
            Map.entry("browser.startup.page", 0),
            Map.entry("browser.startup.homepage", "about:blank"),
            Map.entry("browser.startup.homepage_override.mstone", "ignore"),
            Map.entry("startup.homepage_welcome_url", "about:blank"),
            Map.entry("browser.aboutwelcome.enabled", false),
            Map.entry("browser.newtabpage.enabled", false),
            Map.entry("app.update.disabledForTesting", true),
            Map.entry("app.normandy.enabled", false),
            Map.entry("extensions.update.enabled", false),
            Map.entry("extensions.getAddons.cache.enabled", false),
            Map.entry("services.settings.server", "data:,#remote-settings-dummy/v1"),
            Map.entry("datareporting.policy.dataSubmissionEnabled", false),
            Map.entry("datareporting.healthreport.uploadEnabled", false),
            Map.entry("toolkit.telemetry.enabled", false),
            Map.entry("toolkit.telemetry.server", ""),
            Map.entry("toolkit.telemetry.reportingpolicy.firstRun", false),
            Map.entry("browser.safebrowsing.malware.enabled", false),
            Map.entry("browser.safebrowsing.phishing.enabled", false),
            Map.entry("browser.safebrowsing.downloads.enabled", false),
            Map.entry("browser.safebrowsing.blockedURIs.enabled", false),
            Map.entry("network.captive-portal-service.enabled", false),
            Map.entry("network.connectivity-service.enabled", false),
            Map.entry("network.http.speculative-parallel-limit", 0),
            Map.entry("network.dns.disablePrefetch", true),
            Map.entry("network.prefetch-next", false),
            Map.entry("geo.provider.network.url", ""),
            Map.entry("browser.region.network.url", ""),
            Map.entry("browser.search.update", false),
            Map.entry("dom.min_background_timeout_value", 4),
            Map.entry("dom.min_background_timeout_value_without_budget_throttling", 4),
            Map.entry("dom.timeout.enable_budget_timer_throttling", false),
            Map.entry("dom.ipc.processPrelaunch.enabled", false));

    private final Path root;

    private FirefoxProfile(Path root) {
        this.root = root;
    }

    static FirefoxProfile create() throws IOException {
        Path root = Files.createTempDirectory("ws-it-firefox-");
        FirefoxProfile profile = new FirefoxProfile(root);
        try {
            Files.createDirectories(profile.profile());
            Files.createDirectories(profile.home());
            Files.createDirectories(profile.tmp());
            Files.writeString(profile.profile().resolve("user.js"), userJs(), StandardCharsets.UTF_8);
            return profile;
        } catch (IOException | RuntimeException e) {
            profile.delete();
            throw e;
        }
    }

    Path root() {
        return root;
    }

    /** For {@code --profile}. */
    Path profile() {
        return root.resolve("profile");
    }

    /** What Firefox's environment needs to keep its files in here. */
    Map<String, String> environment() {
        return Map.of(
                "HOME", home().toString(),
                "XDG_CACHE_HOME", home().resolve(".cache").toString(),
                "XDG_CONFIG_HOME", home().resolve(".config").toString(),
                "TMPDIR", tmp().toString(),
                "MOZ_CRASHREPORTER_DISABLE", "1");
    }

    /** Deletes everything; only once no process of the run is left writing to it. */
    void delete() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private Path home() {
        return root.resolve("home");
    }

    private Path tmp() {
        return root.resolve("tmp");
    }

    private static String userJs() {
        return PREFERENCES.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "user_pref(\"" + e.getKey() + "\", " + jsValue(e.getValue()) + ");")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String jsValue(Object value) {
        return value instanceof String text ? "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : value.toString();
    }
}
