package io.wildcloud.ws.sockjs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The browser origins that may use the SockJS endpoints: any (the default, as sockjs-node), or a
 * list of exact origins ({@code https://app.example}) and wildcard subdomains
 * ({@code https://*.example.com}, which matches {@code https://a.example.com} and
 * {@code https://a.b.example.com} but not {@code https://example.com}). A port, when an origin has a
 * non-default one, is part of the pattern.
 *
 * <p>A request without an {@code Origin} header is always allowed: it does not come from a
 * browser page (browsers send one on every cross-origin request and every websocket handshake),
 * and a non-browser client could forge any origin anyway. The list protects users' browsers from
 * foreign pages riding on their cookies, not the service from programs.
 */
public final class AllowedOrigins {

    private static final AllowedOrigins ANY = new AllowedOrigins(List.of());
    private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9_.-]+(:[0-9]{1,5})?");

    /** Lower case, as given; empty means any. */
    private final List<String> patterns;

    private AllowedOrigins(List<String> patterns) {
        this.patterns = patterns;
    }

    public static AllowedOrigins any() {
        return ANY;
    }

    /**
     * The given origins; {@code *} alone (or no origin) means any.
     *
     * @throws IllegalArgumentException naming the first entry that is not {@code scheme://host[:port]}
     *     with an optional leading {@code *.} in the host
     */
    public static AllowedOrigins of(List<String> origins) {
        List<String> patterns = new ArrayList<>(origins.size());
        for (String origin : origins) {
            String pattern = origin.trim().toLowerCase(Locale.ROOT);
            if (pattern.equals("*") && origins.size() == 1) {
                return ANY;
            }
            if (!ORIGIN.matcher(pattern).matches()) {
                throw new IllegalArgumentException("'" + origin + "' is not an origin: write scheme://host[:port],"
                        + " with no path, e.g. https://app.example or https://*.example.com");
            }
            patterns.add(pattern);
        }
        return patterns.isEmpty() ? ANY : new AllowedOrigins(List.copyOf(patterns));
    }

    public boolean isAny() {
        return patterns.isEmpty();
    }

    /** The patterns as configured, lower case; empty for any. */
    public List<String> patterns() {
        return patterns;
    }

    /** Whether a request with this {@code Origin} header (or none: {@code null}) may be served. */
    public boolean allows(String origin) {
        if (patterns.isEmpty() || origin == null || origin.isEmpty()) {
            return true;
        }
        String candidate = origin.toLowerCase(Locale.ROOT);
        for (String pattern : patterns) {
            if (matches(pattern, candidate)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String origin) {
        int wildcard = pattern.indexOf("://*.");
        if (wildcard < 0) {
            return pattern.equals(origin);
        }
        String scheme = pattern.substring(0, wildcard + 3);   // "https://"
        String suffix = pattern.substring(wildcard + 4);      // ".example.com[:port]"
        if (!origin.startsWith(scheme) || !origin.endsWith(suffix)) {
            return false;
        }
        String label = origin.substring(scheme.length(), origin.length() - suffix.length());
        // At least one label, and nothing that could smuggle a port, path or credentials in.
        return !label.isEmpty() && label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_');
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "*" : String.join(",", patterns);
    }
}
