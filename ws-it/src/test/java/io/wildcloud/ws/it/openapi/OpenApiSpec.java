package io.wildcloud.ws.it.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.wildcloud.ws.it.http.RawResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/openapi.yaml} as a test reads it: finds what the document says about one answer
 * (an operation's status, a response component, the callback webhook) and holds a real answer to
 * it. Bodies are validated with networknt's JSON Schema validator in the OpenAPI 3.1 dialect
 * against the document's own schemas, {@code $ref}s resolved inside the document.
 */
final class OpenApiSpec {

    /** The IRI the document is registered under; {@code $ref}s resolve against it. */
    private static final String IRI = "https://wildcloud.invalid/docs/openapi.yaml";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final JsonNode document;
    private final SchemaRegistry schemas;

    private OpenApiSpec(Path file, JsonNode document) {
        this.file = file;
        this.document = document;
        String json = JSON.writeValueAsString(document);
        Function<String, String> byIri = iri -> iri.equals(IRI) ? json : null;
        this.schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), builder -> builder.schemas(byIri));
    }

    /** Reads {@code docs/openapi.yaml} of the repository this test runs in. */
    static OpenApiSpec load() {
        Path file = locate();
        try {
            return new OpenApiSpec(file, YAMLMapper.builder().build().readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/openapi.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no docs/openapi.yaml above " + Path.of("").toAbsolutePath());
    }

    Path file() {
        return file;
    }

    JsonNode document() {
        return document;
    }

    /**
     * Asserts that {@code answer} is one the document gives {@code method path}: its status is
     * listed for the operation, its body validates against that status's schema, and every header
     * the response marks required is there and matches its schema.
     *
     * @param path the path template as the document writes it, e.g. {@code /publish/{socket_id}}
     */
    void assertOperationAnswer(String method, String path, RawResponse answer) {
        String operation = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT);
        assertTrue(at(operation).isObject(), "the document has no operation " + method + " " + path);
        String response = operation + "/responses/" + answer.status();
        assertTrue(at(response).isObject(), method + " " + path + " answered " + answer.status()
                + ", a status the document does not list for it: " + answer);
        assertResponse(method + " " + path, follow(response), answer);
    }

    /** As {@link #assertOperationAnswer}, for an answer the document describes as {@code #/components/responses/<name>}. */
    void assertComponentAnswer(String name, int status, RawResponse answer) {
        assertEquals(status, answer.status(), name + ": " + answer);
        assertResponse(name, "/components/responses/" + escape(name), answer);
    }

    private void assertResponse(String what, String response, RawResponse answer) {
        JsonNode content = at(response + "/content");
        if (content.isObject() && !content.isEmpty()) {
            String contentType = answer.header("Content-Type");
            assertNotNull(contentType, what + ": no Content-Type: " + answer);
            String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            assertTrue(content.has(mediaType), what + ": content type " + contentType + " is not one the document lists ("
                    + content.propertyNames() + ")");
            String schema = response + "/content/" + escape(mediaType) + "/schema";
            if (mediaType.equals("application/json")) {
                assertValid(what + " " + answer.status(), schema, JSON.readTree(answer.bodyText()));
            } else {
                assertValid(what + " " + answer.status(), schema, JSON.valueToTree(answer.bodyText()));
            }
        }
        assertRequiredHeaders(what, response, name -> answer.headers().get(name));
    }

    /**
     * Asserts that a request the node sent to an application is the webhook {@code name}: the
     * required header parameters are there and match their schemas, the content type is the
     * request body's, and the body validates against its schema.
     */
    void assertWebhookRequest(String name, Function<String, String> headers, byte[] body) {
        String operation = "/webhooks/" + escape(name) + "/post";
        assertTrue(at(operation).isObject(), "the document has no webhook " + name);
        for (JsonNode parameter : at(operation + "/parameters")) {
            if (!parameter.path("in").asString().equals("header")) {
                continue;
            }
            String header = parameter.path("name").asString();
            String value = headers.apply(header);
            if (parameter.path("required").asBoolean(false)) {
                assertNotNull(value, name + ": header " + header + " is required and missing");
            }
            if (value != null) {
                assertValid(name + " header " + header, pointerOf(operation, parameter) + "/schema",
                        JSON.valueToTree(value));
            }
        }
        JsonNode content = at(operation + "/requestBody/content");
        String contentType = headers.apply("Content-Type");
        assertNotNull(contentType, name + ": no Content-Type");
        String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        assertTrue(content.has(mediaType), name + ": content type " + contentType + " is not the webhook's");
        assertValid(name + " body", operation + "/requestBody/content/" + escape(mediaType) + "/schema",
                JSON.readTree(new String(body, StandardCharsets.UTF_8)));
    }

    private String pointerOf(String operation, JsonNode parameter) {
        JsonNode parameters = at(operation + "/parameters");
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) == parameter) {
                return operation + "/parameters/" + i;
            }
        }
        throw new IllegalStateException("parameter not in " + operation);
    }

    private void assertRequiredHeaders(String what, String response, Function<String, String> headers) {
        JsonNode declared = at(response + "/headers");
        for (Map.Entry<String, JsonNode> entry : declared.properties()) {
            String header = follow(response + "/headers/" + escape(entry.getKey()));
            if (!at(header + "/required").asBoolean(false)) {
                continue;
            }
            String value = headers.apply(entry.getKey());
            assertNotNull(value, what + ": the document requires the header " + entry.getKey());
            assertValid(what + " header " + entry.getKey(), header + "/schema", JSON.valueToTree(value));
        }
    }

    /** Validates {@code instance} against the schema at {@code pointer}, failing with every error. */
    void assertValid(String what, String pointer, JsonNode instance) {
        Schema schema = schemas.getSchema(SchemaLocation.of(IRI + "#" + pointer));
        List<Error> errors = schema.validate(instance);
        if (!errors.isEmpty()) {
            List<String> lines = new ArrayList<>();
            errors.forEach(error -> lines.add(error.toString()));
            fail(what + ": " + instance + " does not match " + pointer + ": " + lines);
        }
    }

    /** Whether {@code instance} validates against the schema at {@code pointer}. */
    boolean isValid(String pointer, JsonNode instance) {
        return schemas.getSchema(SchemaLocation.of(IRI + "#" + pointer)).validate(instance).isEmpty();
    }

    /** The pointer of the object at {@code pointer}, after following its {@code $ref} (local ones only) if it has one. */
    private String follow(String pointer) {
        String current = pointer;
        for (int hops = 0; hops < 8; hops++) {
            JsonNode ref = at(current).get("$ref");
            if (ref == null) {
                return current;
            }
            String target = ref.asString();
            assertTrue(target.startsWith("#/"), "only local references are followed: " + target);
            current = target.substring(1);
        }
        throw new IllegalStateException("reference loop at " + pointer);
    }

    private JsonNode at(String pointer) {
        return document.at(pointer);
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped. */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
