package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A machine without a browser skips the browser tests with what to install; CI fails instead. */
class BrowserSupportTest {

    @TempDir
    Path dir;

    @Test
    void missingBrowserSkipsWithWhatToInstall() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> BrowserSupport.require(
                List.of(dir.resolve("chromium"), dir.resolve("chromedriver")), "chromium chromium-driver", null));
        assertTrue(skipped.getMessage().contains("apt-get install chromium chromium-driver"), skipped.getMessage());
    }

    @Test
    void missingFirefoxSkipsWithWhatToInstall() {
        Path firefox = dir.resolve("firefox-esr");
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> BrowserSupport.require(List.of(firefox), "firefox-esr", "false"));
        assertEquals("browser tests need " + firefox + ": apt-get install firefox-esr", skipped.getMessage());
    }

    @Test
    void missingBrowserFailsInCi() throws IOException {
        Path chromium = executable("chromium");
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> BrowserSupport.require(
                List.of(chromium, dir.resolve("chromedriver")), "chromium chromium-driver", "true"));
        assertTrue(failed.getMessage().contains("CI=true"), failed.getMessage());
    }

    @Test
    void allPresentRuns() throws IOException {
        assertDoesNotThrow(() -> BrowserSupport.require(
                List.of(executable("chromium"), executable("chromedriver")), "chromium chromium-driver", "true"));
        assertDoesNotThrow(() -> BrowserSupport.require(List.of(executable("firefox-esr")), "firefox-esr", "true"));
    }

    private Path executable(String name) throws IOException {
        return Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
