package io.wildcloud.ws.common.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackVerifierTest {

    private static final byte[] BODY = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    /** RFC 4231, test case 2: HMAC-SHA256 with key "Jefe". */
    private static final String RFC_4231_CASE_2 =
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    @Test
    void acceptsOnlyTheExactSignatureOfTheExactBody() {
        CallbackVerifier verifier = new CallbackVerifier("Jefe");
        assertTrue(verifier.verify(BODY, RFC_4231_CASE_2));
        assertTrue(verifier.verify(BODY, " " + RFC_4231_CASE_2 + " "), "surrounding blanks are not part of the value");
        assertFalse(verifier.verify(BODY, null));
        assertFalse(verifier.verify(BODY, ""));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.toUpperCase()));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.substring("sha256=".length())));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.replace("sha256=", "sha1=")));
        assertFalse(verifier.verify(BODY, RFC_4231_CASE_2.substring(0, RFC_4231_CASE_2.length() - 1)));
        assertFalse(verifier.verify("what do ya want for nothing!".getBytes(StandardCharsets.US_ASCII), RFC_4231_CASE_2));
        assertFalse(new CallbackVerifier("Jefe2").verify(BODY, RFC_4231_CASE_2));
    }

    @Test
    void agreesWithTheNodesSigner() {
        byte[] body = "{\"message\":\"hé ✓\",\"session\":\"s\",\"client\":\"c\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(CallbackSignature.SIGNATURE_HEADER, CallbackVerifier.SIGNATURE_HEADER);
        assertEquals(CallbackSignature.IDEMPOTENCY_KEY_HEADER, CallbackVerifier.IDEMPOTENCY_KEY_HEADER);
        assertTrue(new CallbackVerifier("app-secret").verify(body, CallbackSignature.sign("app-secret", body)));
        assertFalse(new CallbackVerifier("app-secret").verify(body, CallbackSignature.sign("other-secret", body)));
    }

    @Test
    void parsesThePayloadOnlyOnceTheSignatureMatches() {
        byte[] body = "{\"message\":\"hé ✓\",\"session\":\"s1\",\"client\":\"c1\"}".getBytes(StandardCharsets.UTF_8);
        CallbackVerifier verifier = new CallbackVerifier("app-secret");
        assertEquals(new CallbackPayload("hé ✓", "s1", "c1"),
                verifier.verifiedPayload(body, CallbackSignature.sign("app-secret", body)));
        assertThrows(SecurityException.class,
                () -> verifier.verifiedPayload(body, CallbackSignature.sign("other-secret", body)));
        // Refused before parsing: an unsigned body that is not even JSON gets the same exception.
        assertThrows(SecurityException.class, () -> verifier.verifiedPayload("{not json".getBytes(), null));
    }
}
