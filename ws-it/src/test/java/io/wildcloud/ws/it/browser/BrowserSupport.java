package io.wildcloud.ws.it.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the browser tests of one browser: Debian's {@code chromium} and
 * {@code chromium-driver}, or Debian's {@code firefox-esr} (driven over WebDriver BiDi, no
 * driver), at fixed paths so that nothing is ever downloaded. Without them the tests are skipped
 * with what to install; in CI ({@code CI=true}) they fail instead, so a CI image that lost its
 * browser cannot pass silently.
 */
final class BrowserSupport {

    static final Path CHROMIUM = Path.of(System.getProperty("ws.it.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("ws.it.chromedriver", "/usr/bin/chromedriver"));
    static final Path FIREFOX = Path.of(System.getProperty("ws.it.firefox", "/usr/bin/firefox-esr"));

    private BrowserSupport() {
    }

    /** Skips (or, in CI, fails) the calling test unless chromium and chromedriver are present. */
    static void requireChromium() {
        require(List.of(CHROMIUM, CHROMEDRIVER), "chromium chromium-driver", System.getenv("CI"));
    }

    /** Skips (or, in CI, fails) the calling test unless Firefox ESR is present. */
    static void requireFirefox() {
        require(List.of(FIREFOX), "firefox-esr", System.getenv("CI"));
    }

    static void require(List<Path> executables, String packages, String ci) {
        if (executables.stream().allMatch(Files::isExecutable)) {
            return;
        }
        String message = "browser tests need " + executables.stream().map(Path::toString).collect(Collectors.joining(" and "))
                + ": apt-get install " + packages;
        if ("true".equalsIgnoreCase(ci)) {
            Assertions.fail(message + " (CI=true: a missing browser fails the run)");
        }
        Assumptions.abort(message);
    }
}
