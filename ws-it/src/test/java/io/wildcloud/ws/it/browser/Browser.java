package io.wildcloud.ws.it.browser;

import java.io.IOException;

/**
 * What the browser checks need from a browser, whatever drives it: tabs to load pages into and run
 * scripts in. {@link ChromeBrowser} drives chromium through chromedriver (Selenium);
 * {@link FirefoxBrowser} drives Firefox over WebDriver BiDi, with no driver binary at all.
 * Not thread-safe: one test thread at a time.
 */
interface Browser extends AutoCloseable {

    /** What runs, for messages: e.g. {@code chromium 156.0.8078.114}. */
    String version();

    /** The tab the browser started with; it stays open until the browser closes. */
    BrowserTab firstTab();

    /** Opens a new, blank tab. */
    BrowserTab newTab();

    /** Ends the browser and every process it started, and deletes its profile. */
    @Override
    void close() throws IOException;
}
