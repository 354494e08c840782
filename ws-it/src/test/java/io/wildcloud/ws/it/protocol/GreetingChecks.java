package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** The greeting at a service's base URL, and 404 for everything else directly under it. */
public abstract class GreetingChecks extends ProtocolChecks {

    @Test
    void baseUrlGreetsWithAndWithoutTrailingSlash() {
        for (String url : new String[] {target().echo(), target().echo() + "/"}) {
            RawResponse response = http().get(url);
            assertStatus(200, response);
            assertContentType("text/plain;charset=UTF-8", response);
            assertEquals("Welcome to SockJS!\n", response.bodyText());
            assertNoCookie(response);
        }
    }

    @Test
    void otherPathsUnderTheBaseUrlAreNotFound() {
        for (String suffix : new String[] {"/a", "/a.html", "//", "///", "/a/a", "/a/a/", "/a/"}) {
            assertStatus(404, http().get(target().echo() + suffix));
        }
    }
}
