package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApplicationRegistryTest {

    private static final String SECRET_A = "secret-a-0123456789";
    private static final String SECRET_B = "secret-b-0123456789";

    @Test
    void parsesCommaSemicolonWhitespaceAndLineSeparatedEntriesWithComments() {
        ApplicationRegistry registry = ApplicationRegistry.parse(
                "# apps\nalpha:" + SECRET_A + ", beta:" + SECRET_B + " # second\n\n;gamma:secret-c-0123456789\n");
        assertEquals(3, registry.size());
        assertEquals("alpha", registry.bySecret(SECRET_A).orElseThrow().name());
        assertEquals("beta", registry.bySecret(SECRET_B).orElseThrow().name());
        assertEquals(SECRET_A, registry.byName("alpha").orElseThrow().secretId());
    }

    @Test
    void readsAListSetting() {
        ApplicationRegistry registry = ApplicationRegistry.fromEntries(List.of("alpha:" + SECRET_A, " beta:" + SECRET_B));
        assertEquals("beta", registry.bySecret(SECRET_B).orElseThrow().name());
    }

    @Test
    void unknownNearMissAndNullSecretsFindNothing() {
        ApplicationRegistry registry = ApplicationRegistry.parse("alpha:" + SECRET_A);
        assertFalse(registry.bySecret("secret-a-012345678").isPresent());
        assertFalse(registry.bySecret(SECRET_A + "0").isPresent());
        assertFalse(registry.bySecret("SECRET-A-0123456789").isPresent());
        assertFalse(registry.bySecret(null).isPresent());
        assertFalse(registry.byName("beta").isPresent());
    }

    @Test
    void badEntriesAreRefusedWithoutQuotingTheSecret() {
        IllegalArgumentException noColon = assertThrows(IllegalArgumentException.class,
                () -> ApplicationRegistry.parse("alpha:" + SECRET_A + "," + SECRET_B));
        assertEquals("application entry #2 must be name:secret (got no ':')", noColon.getMessage());
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> ApplicationRegistry.parse("alpha:short-secret"));
        assertFalse(shortSecret.getMessage().contains("short-secret"), shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApplicationRegistry.parse("alpha:"));
        assertThrows(IllegalArgumentException.class, () -> ApplicationRegistry.parse(":" + SECRET_A));
        assertThrows(IllegalArgumentException.class, () -> ApplicationRegistry.parse("al/pha:" + SECRET_A));
        IllegalArgumentException sameName = assertThrows(IllegalArgumentException.class,
                () -> ApplicationRegistry.parse("alpha:" + SECRET_A + " alpha:" + SECRET_B));
        assertEquals("application name configured twice: alpha", sameName.getMessage());
        IllegalArgumentException sameSecret = assertThrows(IllegalArgumentException.class,
                () -> ApplicationRegistry.parse("alpha:" + SECRET_A + " beta:" + SECRET_A));
        assertFalse(sameSecret.getMessage().contains(SECRET_A), sameSecret.getMessage());
    }

    @Test
    void secretsNeverAppearInToString() {
        ApplicationRegistry registry = new ApplicationRegistry(List.of(new Application("alpha", SECRET_A)));
        assertEquals("ApplicationRegistry[alpha]", registry.toString());
        String application = registry.byName("alpha").orElseThrow().toString();
        assertEquals("Application[name=alpha, secretId=<redacted>]", application);
        assertTrue(!application.contains(SECRET_A));
    }
}
