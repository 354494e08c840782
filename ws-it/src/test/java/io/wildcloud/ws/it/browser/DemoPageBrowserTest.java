package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.demo.DemoServer;
import io.wildcloud.ws.demo.DemoSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo application as a newcomer uses it: open the page, pick a transport, join, say a line;
 * the line goes browser -> node -> signed callback -> demo server -> publish -> every tab.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoPageBrowserTest {

    private BrowserFixture fixture;
    private DemoServer demo;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS) // the class-level timeout does not cover lifecycle methods
    void start() throws Exception {
        fixture = BrowserFixture.start(PushStack::singleNode, BrowserKind.CHROMIUM);
        PushStack stack = fixture.stack();
        demo = DemoServer.start(new DemoSettings("127.0.0.1", 0, stack.publicBase(), stack.api().apiBase(),
                stack.secret(), URI.create("http://127.0.0.1:0/callback")));
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    static List<String> transports() {
        return BrowserFixture.TRANSPORTS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aLineSaidInOneTabShowsInEveryTabOfTheVisitor(String transport) throws Exception {
        WebDriver driver = fixture.chromeDriver();
        String mainTab = driver.getWindowHandle();
        join(driver, "Ada", transport);
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        String secondTab = driver.getWindowHandle();
        try {
            join(driver, "Ada", transport);
            int secondBefore = lineCount(driver);
            driver.switchTo().window(mainTab);
            int firstBefore = lineCount(driver);
            String line = "hello over " + transport + " — ✓ 😀";
            driver.findElement(By.id("line")).sendKeys(line);
            driver.findElement(By.id("say")).click();

            Map<?, ?> first = awaitLine(driver, firstBefore);
            assertEquals(line, first.get("text"));
            assertEquals("Ada", first.get("from"));
            driver.switchTo().window(secondTab);
            Map<?, ?> second = awaitLine(driver, secondBefore);
            assertEquals(line, second.get("text"), "the other tab of the same visitor shows the line too");
            assertEquals(first.get("session"), second.get("session"), "both show who said it");
            assertTrue(driver.findElement(By.id("log")).getText().contains(line), "the line is on the page");
            Screenshots.save(driver, "demo-" + transport);

            // The secret stays on the server: neither the page nor what /join answered shows it.
            assertFalse(driver.getPageSource().contains(fixture.stack().secret()));
            Object joinAnswer = ((JavascriptExecutor) driver).executeAsyncScript(
                    "var done = arguments[arguments.length - 1];"
                    + "fetch('/join', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                    + " body: JSON.stringify({name: 'Ada'})}).then(r => r.text()).then(done, e => done('failed ' + e));");
            assertTrue(String.valueOf(joinAnswer).contains("socketId"), String.valueOf(joinAnswer));
            assertFalse(String.valueOf(joinAnswer).contains(fixture.stack().secret()));
        } finally {
            driver.switchTo().window(secondTab);
            driver.close();
            driver.switchTo().window(mainTab);
        }
    }

    private void join(WebDriver driver, String name, String transport) {
        driver.get(demo.pageUrl() + "?transport=" + transport);
        assertNotEquals(URI.create(fixture.stack().publicBase()).getPort(), demo.port(), "the demo has its own origin");
        driver.findElement(By.id("name")).sendKeys(name);
        driver.findElement(By.id("join")).click();
        wait(driver).until(d -> {
            Object state = js(d, "return window.demo.state;");
            if ("closed".equals(state) || !((List<?>) js(d, "return window.demo.errors;")).isEmpty()) {
                throw new AssertionError("demo did not connect: " + js(d, "return window.demo.errors;")
                        + " close " + js(d, "return window.demo.closeCode;"));
            }
            return "open".equals(state);
        });
        assertEquals(transport, js(driver, "return window.demo.transport;"), "the transport picked on the page");
    }

    private static int lineCount(WebDriver driver) {
        return ((Number) js(driver, "return window.demo.lines.length;")).intValue();
    }

    private static Map<?, ?> awaitLine(WebDriver driver, int before) {
        wait(driver).until(d -> lineCount(d) > before);
        return (Map<?, ?>) js(driver, "return window.demo.lines[arguments[0]];", before);
    }

    private static WebDriverWait wait(WebDriver driver) {
        return new WebDriverWait(driver, SockJsPage.WAIT, Duration.ofMillis(50));
    }

    private static Object js(WebDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }
}
