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
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String message = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                + ": apt-get install chromium chromium-driver";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: a missing browser fails the run)");
        }
        Assumptions.abort(message);
    }
}
