package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
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
final class ChromeBrowser implements Browser {

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final ChromeTab firstTab;
    /** The window the driver acts on, or null after its tab closed; saves asking chromedriver each call. */
    private String focused;

    private ChromeBrowser(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
        this.focused = driver.getWindowHandle();
        this.firstTab = new ChromeTab(focused);
    }

    /** Launches chromium; call {@link BrowserSupport#requireChromium()} first. */
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

    /** Selenium's own driver, for tests that use more of it than {@link Browser} offers. */
    WebDriver driver() {
        return driver;
    }

    @Override
    public String version() {
        return "chromium " + driver.getCapabilities().getBrowserVersion();
    }

    @Override
    public BrowserTab firstTab() {
        return firstTab;
    }

    /** Opens a new tab; the driver stays focused on it. */
    @Override
    public BrowserTab newTab() {
        focused = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        return new ChromeTab(focused);
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

    /** A window handle; chromedriver acts on one window at a time, so every call focuses its own first. */
    private final class ChromeTab implements BrowserTab {

        private final String handle;

        ChromeTab(String handle) {
            this.handle = handle;
        }

        @Override
        public void navigate(URI url) {
            focus();
            driver.get(url.toString());
        }

        /** WebDriver's Execute Script awaits a returned promise itself (W3C WebDriver, 13.2.1). */
        @Override
        public Object run(String body, Object... args) {
            focus();
            try {
                return driver.executeScript(body, args);
            } catch (JavascriptException e) {
                throw new BrowserScriptException(e.getRawMessage(), e);
            }
        }

        @Override
        public byte[] screenshot() {
            focus();
            return driver.getScreenshotAs(OutputType.BYTES);
        }

        @Override
        public void close() {
            focus();
            driver.close();
            focused = null;
        }

        private void focus() {
            if (!handle.equals(focused)) {
                driver.switchTo().window(handle);
                focused = handle;
            }
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
