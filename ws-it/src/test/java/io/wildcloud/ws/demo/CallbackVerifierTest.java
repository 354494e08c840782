package io.wildcloud.ws.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackSignature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackVerifierTest {

    private static final byte[] BODY = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    /** RFC 4231, test case 2: HMAC-SHA256 with key "Jefe". */
    private static final String RFC_4231_CASE_2 =
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    @Test
    void signsLikeRfc4231() {
        assertEquals(RFC_4231_CASE_2, new CallbackVerifier("Jefe").expectedHeader(BODY));
    }

    @Test
    void acceptsOnlyTheExactSignatureOfTheExactBody() {
        CallbackVerifier verifier = new CallbackVerifier("Jefe");
        assertTrue(verifier.verify(BODY, RFC_4231_CASE_2));
        assertTrue(verifier.verify(BODY, " " + RFC_4231_CASE_2 + " "), "surrounding blanks are not part of the value");
        assertFalse(verifier.verify(BODY, null));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.toUpperCase()));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.substring("sha256=".length())));
        assertFalse(verifier.verify("what do ya want for nothing!".getBytes(StandardCharsets.US_ASCII), RFC_4231_CASE_2));
        assertFalse(new CallbackVerifier("Jefe2").verify(BODY, RFC_4231_CASE_2));
    }

    @Test
    void agreesWithWhatTheNodeSends() {
        // The demo writes the recipe out as an application would; it must match the node's signer.
        byte[] body = "{\"message\":\"hé ✓\",\"session\":\"s\",\"client\":\"c\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(CallbackSignature.SIGNATURE_HEADER, CallbackVerifier.SIGNATURE_HEADER);
        assertEquals(CallbackSignature.IDEMPOTENCY_KEY_HEADER, CallbackVerifier.IDEMPOTENCY_KEY_HEADER);
        assertTrue(new CallbackVerifier("app-secret").verify(body, CallbackSignature.sign("app-secret", body)));
        assertFalse(new CallbackVerifier("app-secret").verify(body, CallbackSignature.sign("other-secret", body)));
    }
}
