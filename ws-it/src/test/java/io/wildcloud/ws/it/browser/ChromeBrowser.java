package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless chromium driven through chromedriver, with a fresh profile that is deleted on
 * close. The driver and browser paths are given explicitly, which keeps Selenium Manager from
 * looking for (or downloading) either; the flags keep chromium off the network except for what
 * the pages load, and keep background tabs running at full speed (the two-tab tests).
 */
final class ChromeBrowser implements AutoCloseable {

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private ChromeBrowser(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Launches chromium; call {@link BrowserSupport#requireBrowser()} first. */
    static ChromeBrowser launch() throws IOException {
        Path profile = Files.createTempDirectory("ws-it-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserSupport.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(System.err)
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(BrowserSupport.CHROMIUM.toFile())
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-quic",
                        "--disable-background-timer-throttling",
                        "--disable-backgrounding-occluded-windows",
                        "--disable-renderer-backgrounding",
                        "--disable-dev-shm-usage",
                        "--window-size=1100,900",
                        "--user-data-dir=" + profile);
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
            return new ChromeBrowser(profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens a new tab and returns its window handle; the driver stays focused on it. */
    String newTab() {
        return driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
