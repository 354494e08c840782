package io.wildcloud.ws.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The applications a node serves, fixed at start-up.
 *
 * <p>Looking an application up by its secret must not tell an attacker how much of a guess was
 * right. A map keyed by the secret itself would (string hashing and {@code equals} stop at the
 * first difference), so the map is keyed by an HMAC of the secret under a random per-process key:
 * the timing of the lookup depends only on that digest, which the attacker cannot relate to the
 * secret. The final check compares the secrets with {@link MessageDigest#isEqual}.
 *
 * <h2>Configuration format</h2>
 * {@link #parse} reads entries {@code name:secret}, separated by commas, semicolons, whitespace or
 * new lines; text from {@code #} to the end of a line is a comment. So the same text works as a
 * flag ({@code --apps demo:demo-secret-0123456}), an environment variable
 * ({@code WS_APPS="a:secret-a-0123456789,b:secret-b-0123456789"}) or a file with one entry a line.
 * Names and secrets must be unique; errors name the entry, never the secret.
 */
public final class ApplicationRegistry {

    private static final String MAC = "HmacSHA256";

    private final byte[] lookupKey = new byte[32];
    private final Map<Digest, Application> bySecretDigest = new HashMap<>();
    private final Map<String, Application> byName = new HashMap<>();

    public ApplicationRegistry(Collection<Application> applications) {
        new SecureRandom().nextBytes(lookupKey);
        for (Application application : applications) {
            if (byName.putIfAbsent(application.name(), application) != null) {
                throw new IllegalArgumentException("application name configured twice: " + application.name());
            }
            if (bySecretDigest.putIfAbsent(digest(application.secretId()), application) != null) {
                throw new IllegalArgumentException("application " + application.name()
                        + " has the same secret id as another application");
            }
        }
    }

    /** Parses the configuration format described above. */
    public static ApplicationRegistry parse(String spec) {
        List<Application> applications = new ArrayList<>();
        int index = 0;
        for (String line : spec.split("\\R")) {
            int comment = line.indexOf('#');
            String content = comment >= 0 ? line.substring(0, comment) : line;
            for (String entry : content.split("[,;\\s]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                index++;
                int colon = entry.indexOf(':');
                if (colon <= 0 || colon == entry.length() - 1) {
                    throw new IllegalArgumentException("application entry #" + index
                            + " must be name:secret (got " + (colon < 0 ? "no ':'" : "an empty part") + ")");
                }
                applications.add(new Application(entry.substring(0, colon), entry.substring(colon + 1)));
            }
        }
        return new ApplicationRegistry(applications);
    }

    /** Parses entries {@code name:secret} given one by one (e.g. a list setting). */
    public static ApplicationRegistry fromEntries(List<String> entries) {
        return parse(String.join("\n", entries));
    }

    /** The application whose secret id is {@code secretId}, found in constant time. */
    public Optional<Application> bySecret(String secretId) {
        if (secretId == null) {
            return Optional.empty();
        }
        Application candidate = bySecretDigest.get(digest(secretId));
        if (candidate == null) {
            return Optional.empty();
        }
        boolean same = MessageDigest.isEqual(
                candidate.secretId().getBytes(StandardCharsets.UTF_8), secretId.getBytes(StandardCharsets.UTF_8));
        return same ? Optional.of(candidate) : Optional.empty();
    }

    /** The application named {@code name} (names are public; stores key sockets by them). */
    public Optional<Application> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public int size() {
        return byName.size();
    }

    /** The names only: secrets never appear in logs. */
    @Override
    public String toString() {
        return "ApplicationRegistry" + byName.keySet();
    }

    private Digest digest(String secret) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(lookupKey, MAC));
            return new Digest(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A byte array with value equality, as a map key. */
    private record Digest(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Digest digest && MessageDigest.isEqual(bytes, digest.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
