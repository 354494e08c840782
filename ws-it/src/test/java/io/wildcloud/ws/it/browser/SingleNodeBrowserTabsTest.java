package io.wildcloud.ws.it.browser;

/** {@link BrowserTabsChecks} in chromium against one node with the in-memory engine. */
class SingleNodeBrowserTabsTest extends BrowserTabsChecks {

    @Override
    BrowserKind browser() {
        return BrowserKind.CHROMIUM;
    }

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
