package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Optional PNGs of what the browser showed, for a person to look at: only when the system property
 * {@code ws.it.screenshots} names a directory (e.g. {@code -Dws.it.screenshots=target/screenshots}).
 */
final class Screenshots {

    private Screenshots() {
    }

    static void save(WebDriver driver, String name) throws IOException {
        String dir = System.getProperty("ws.it.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path target = Path.of(dir).resolve(name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
