package io.wildcloud.ws.common.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Status to exception type, and what of the body an exception keeps; the real answers are in ws-it's PushClientTest. */
class ApiErrorsTest {

    private static final String BODY = "{\"error\":\"some_code\",\"message\":\"do this\"}";

    @Test
    void eachStatusGetsItsType() {
        assertEquals(BadRequestException.class, ApiErrors.of(400, BODY).getClass());
        assertEquals(AccessDeniedException.class, ApiErrors.of(401, BODY).getClass());
        assertEquals(AccessDeniedException.class, ApiErrors.of(403, BODY).getClass());
        assertEquals(NotFoundException.class, ApiErrors.of(404, BODY).getClass());
        assertEquals(PushApiException.class, ApiErrors.of(405, BODY).getClass());
        assertEquals(PayloadTooLargeException.class, ApiErrors.of(413, BODY).getClass());
        assertEquals(QueueFullException.class, ApiErrors.of(429, "{\"error\":\"queue_full\",\"message\":\"m\"}").getClass());
        assertEquals(TooManyRequestsException.class, ApiErrors.of(429, BODY).getClass());
        assertEquals(PushApiException.class, ApiErrors.of(500, BODY).getClass());
        assertEquals(UnavailableException.class, ApiErrors.of(503, BODY).getClass());
        assertEquals(UnavailableException.class, ApiErrors.of(507, BODY).getClass());
    }

    @Test
    void aBudgetRefusalCarriesItsRetryAfter() {
        String body = "{\"error\":\"too_many_publish_bytes\",\"message\":\"wait\"}";
        TooManyRequestsException e = (TooManyRequestsException) ApiErrors.of(429, body, Optional.of("3"));
        assertEquals(Optional.of(Duration.ofSeconds(3)), e.retryAfter());
        assertEquals(Optional.empty(), ((TooManyRequestsException) ApiErrors.of(429, body,
                Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"))).retryAfter(), "an HTTP date is not read");
        assertEquals(TooManyRequestsException.class, ApiErrors.of(429, "not json").getClass(), "a proxy's 429 page");
    }

    @Test
    void keepsTheApisErrorAndMessage() {
        PushApiException e = ApiErrors.of(404, BODY);
        assertEquals(404, e.status());
        assertEquals("some_code", e.error());
        assertEquals("do this", e.apiMessage());
        assertEquals("HTTP 404 some_code: do this", e.getMessage());
    }

    @Test
    void aBodyThatIsNotTheApisErrorIsKeptAsTextWithoutACode() {
        PushApiException page = ApiErrors.of(502, "<html>Bad Gateway</html>");
        assertNull(page.error());
        assertEquals("<html>Bad Gateway</html>", page.apiMessage());
        assertEquals("HTTP 502: <html>Bad Gateway</html>", page.getMessage());
        assertNull(ApiErrors.of(400, "{\"error\":1,\"message\":\"x\"}").error(), "error must be a string");
        assertNull(ApiErrors.of(400, "").error());
        assertEquals(303, ApiErrors.of(500, "x".repeat(1000)).apiMessage().length(), "300 characters and '...'");
    }
}
