package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Optional PNGs of what the browser showed, for a person to look at: only when the system property
 * {@code ws.it.screenshots} names a directory (e.g. {@code -Dws.it.screenshots=target/screenshots}).
 * {@link SockJsPage} takes one whenever a wait on the page times out.
 */
final class Screenshots {

    private Screenshots() {
    }

    static void save(WebDriver driver, String name) throws IOException {
        save(name, () -> ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    static void save(BrowserTab tab, String name) throws IOException {
        save(name, tab::screenshot);
    }

    private static void save(String name, Supplier<byte[]> png) throws IOException {
        String dir = System.getProperty("ws.it.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path target = Path.of(dir).resolve(name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, png.get());
    }
}
