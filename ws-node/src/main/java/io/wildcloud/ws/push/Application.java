package io.wildcloud.ws.push;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A web application that uses the service. Its {@code secretId} is both its credential in API
 * paths ({@code /authorize/<secretId>/<client>}) and the key of its callback signatures, so it is
 * never logged: {@link #toString} shows the name only.
 *
 * @param name a public, unique name, used in logs and as the application's key in the stores
 * @param secretId the secret application id
 */
public record Application(String name, String secretId) {

    /** Names appear in logs and store keys. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Secrets appear in URL paths, so only unreserved characters; long enough not to be guessed. */
    public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9._~-]{16,256}");

    public Application {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretId, "secretId");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("application name must match " + NAME + ": " + name);
        }
        if (!SECRET.matcher(secretId).matches()) {
            // The message must not quote the secret.
            throw new IllegalArgumentException("secret id of application " + name
                    + " must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -");
        }
    }

    @Override
    public String toString() {
        return "Application[name=" + name + ", secretId=<redacted>]";
    }
}
