package io.wildcloud.ws.it.browser;

/** {@link BrowserTabsChecks} against one node with the in-memory engine. */
class SingleNodeBrowserTabsTest extends BrowserTabsChecks {

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
