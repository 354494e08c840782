package io.wildcloud.ws.it.browser;

/** {@link BrowserTabsChecks} in Firefox ESR (over WebDriver BiDi) against one node with the in-memory engine. */
class SingleNodeFirefoxTabsTest extends BrowserTabsChecks {

    @Override
    BrowserKind browser() {
        return BrowserKind.FIREFOX;
    }

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
