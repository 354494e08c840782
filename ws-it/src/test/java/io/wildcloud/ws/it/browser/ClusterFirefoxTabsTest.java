package io.wildcloud.ws.it.browser;

/**
 * {@link ClusterBrowserTabsTest} in Firefox ESR (over WebDriver BiDi): the same three nodes behind
 * the round-robin balancer, the same checks, and the same check that every node served the browser.
 */
class ClusterFirefoxTabsTest extends ClusterBrowserTabsTest {

    @Override
    BrowserKind browser() {
        return BrowserKind.FIREFOX;
    }
}
