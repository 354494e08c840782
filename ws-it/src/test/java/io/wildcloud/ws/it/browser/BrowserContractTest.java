package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.browser.BrowserTab.BrowserScriptException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both {@link Browser}s keep the one contract the checks rely on: the same Java values from the same
 * scripts, promises awaited, script errors as {@link BrowserScriptException}, tabs that do not share
 * a page, PNG screenshots.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrowserContractTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @ParameterizedTest
    @EnumSource(BrowserKind.class)
    void scriptsTabsAndScreenshotsBehaveTheSame(BrowserKind kind) throws Exception {
        kind.require();
        try (TestPageServer pages = new TestPageServer(); Browser browser = kind.launch()) {
            BrowserTab first = browser.firstTab();
            first.navigate(pages.pageUrl());
            assertEquals("idle", first.run("return window.wsTest.state;"));
            assertEquals("ü \u2028 😀", first.run("return 'ü \\u2028 😀';"));
            assertEquals(4001L, first.run("return 4001;"));
            assertEquals(0.5, first.run("return 0.5;"));
            assertEquals(true, first.run("return true;"));
            assertNull(first.run("window.wsTest.touched = true;"));
            assertEquals(Arrays.asList("x", 7L, null, false), first.run("return [arguments[0], arguments[1], arguments[2], arguments[3]];",
                    "x", 7, null, false));
            assertEquals(Map.of("code", 1000L, "reasons", List.of("a")), first.run("return {code: 1000, reasons: ['a']};"));
            assertEquals("later", first.run("return new Promise(function (done) { setTimeout(function () { done('later'); }, 10); });"));
            BrowserScriptException thrown = assertThrows(BrowserScriptException.class, () -> first.run("throw new Error('boom');"));
            assertTrue(thrown.getMessage().contains("boom"), thrown.getMessage());

            BrowserTab second = browser.newTab();
            second.navigate(pages.pageUrl());
            assertNull(second.run("return window.wsTest.touched || null;"), "a new tab has its own page");
            assertEquals(true, first.run("return window.wsTest.touched;"), "the first tab kept its page");
            byte[] png = second.screenshot();
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));
            second.close();
            assertEquals("idle", first.run("return window.wsTest.state;"), "the first tab outlives the second");
            assertTrue(browser.version().toLowerCase().contains(kind == BrowserKind.CHROMIUM ? "chrom" : "firefox"), browser.version());
        }
    }
}
