package io.wildcloud.ws.it.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the browser tests: Debian's {@code chromium} and
 * {@code chromium-driver}, at fixed paths so that nothing is ever downloaded. Without them the
 * tests are skipped with what to install; in CI ({@code CI=true}) they fail instead, so a CI image
 * that lost its browser cannot pass silently.
 */
final class BrowserSupport {

    static final Path CHROMIUM = Path.of(System.getProperty("ws.it.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("ws.it.chromedriver", "/usr/bin/chromedriver"));

    private BrowserSupport() {
    }

    /** Skips (or, in CI, fails) the calling test unless both binaries are present. */
    static void requireBrowser() {
        requireBrowser(CHROMIUM, CHROMEDRIVER, System.getenv("CI"));
    }

    static void requireBrowser(Path chromium, Path chromedriver, String ci) {
        if (Files.isExecutable(chromium) && Files.isExecutable(chromedriver)) {
            return;
        }
        String message = "browser tests need " + chromium + " and " + chromedriver
                + ": apt-get install chromium chromium-driver";
        if ("true".equalsIgnoreCase(ci)) {
            Assertions.fail(message + " (CI=true: a missing browser fails the run)");
        }
        Assumptions.abort(message);
    }
}
