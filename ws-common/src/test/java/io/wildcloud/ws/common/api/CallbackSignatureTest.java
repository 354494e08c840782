package io.wildcloud.ws.common.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsWithTheRfc4231Vector() {
        // RFC 4231, test case 2: key "Jefe".
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                CallbackSignature.sign("Jefe", utf8("what do ya want for nothing?")));
    }

    @Test
    void verifiesItsOwnSignature() {
        byte[] body = utf8("{\"message\":\"hi\",\"session\":\"s1\",\"client\":\"c\"}");
        String header = CallbackSignature.sign("app-secret-0123456789", body);
        assertTrue(CallbackSignature.verify("app-secret-0123456789", body, header));
        assertTrue(CallbackSignature.verify("app-secret-0123456789", body, " " + header + " "));
    }

    @Test
    void refusesAnotherSecretBodyOrForm() {
        byte[] body = utf8("{\"message\":\"hi\"}");
        String header = CallbackSignature.sign("secret-a-0123456789", body);
        assertFalse(CallbackSignature.verify("secret-b-0123456789", body, header));
        assertFalse(CallbackSignature.verify("secret-a-0123456789", utf8("{\"message\":\"ho\"}"), header));
        assertFalse(CallbackSignature.verify("secret-a-0123456789", body, header.substring("sha256=".length())));
        assertFalse(CallbackSignature.verify("secret-a-0123456789", body, header.toUpperCase()));
        assertFalse(CallbackSignature.verify("secret-a-0123456789", body, null));
        assertFalse(CallbackSignature.verify("secret-a-0123456789", body, ""));
    }
}
