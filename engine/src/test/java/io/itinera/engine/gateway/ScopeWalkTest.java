package io.itinera.engine.gateway;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.WRITE_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.support.NodeOnFreshDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every operation of docs/openapi.yaml declares the scope it needs ({@code x-itinera-scope}), and
 * the node holds to it: each is called with no key, an ingest key, a read key and the admin key,
 * and answers 401 without a key, 403 to a key whose scope does not cover it, and neither to one
 * whose scope does. So a route added without its check, or with the wrong one, fails here.
 */
class ScopeWalkTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("gateway");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final Map<Scope, String> KEYS =
      Map.of(Scope.INGEST, WRITE_KEY, Scope.READ, READ_KEY, Scope.ADMIN, ADMIN_KEY);

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  record Operation(String method, String path, Scope scope) {}

  @Test
  void everyOperationAnswersEachScopeAsItDeclares() throws Exception {
    List<Operation> operations = operations();
    assertTrue(operations.size() >= 29, "the walk found the document's operations");
    List<String> wrong = new ArrayList<>();
    for (Operation operation : operations) {
      int none = call(operation, null);
      if (none != 401) {
        wrong.add(operation + " without a key: " + none);
      }
      for (Scope scope : Scope.values()) {
        int status = call(operation, KEYS.get(scope));
        boolean allowed = scope.covers(operation.scope());
        if (allowed && (status == 401 || status == 403)) {
          wrong.add(operation + " with a " + scope + " key: " + status + ", expected it let in");
        }
        if (!allowed && status != 403) {
          wrong.add(operation + " with a " + scope + " key: " + status + ", expected 403");
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void anUnknownKeyIsUnauthorizedNotForbidden() throws Exception {
    Operation journeys = new Operation("GET", "/v1/journeys", Scope.ADMIN);
    assertEquals(401, call(journeys, "not-a-key"));
    assertEquals(401, call(new Operation("GET", "/v1/customers/x", Scope.READ), "not-a-key"));
  }

  @SuppressWarnings("unchecked")
  static List<Operation> operations() throws Exception {
    Map<String, Object> document =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("..", "docs", "openapi.yaml")));
    Map<String, Object> paths = (Map<String, Object>) document.get("paths");
    List<Operation> operations = new ArrayList<>();
    for (Map.Entry<String, Object> path : new LinkedHashMap<>(paths).entrySet()) {
      Map<String, Object> item = (Map<String, Object>) path.getValue();
      for (String method : METHODS) {
        Map<String, Object> operation = (Map<String, Object>) item.get(method);
        if (operation == null) {
          continue;
        }
        Object declared = operation.get("x-itinera-scope");
        assertNotNull(
            declared,
            method + " " + path.getKey() + " declares no x-itinera-scope in openapi.yaml");
        Scope scope = Scope.named(declared.toString());
        assertNotNull(scope, method + " " + path.getKey() + ": unknown scope " + declared);
        operations.add(new Operation(method.toUpperCase(), concrete(path.getKey()), scope));
      }
    }
    assertFalse(operations.isEmpty());
    return operations;
  }

  /** The path with every parameter filled in by a value no test uses. */
  private static String concrete(String template) {
    return template.replaceAll("\\{[^}]+}", "scope-walk");
  }

  /**
   * The status only: the body is not read when it is a 200 (an SSE stream never ends), and the
   * request body is an empty JSON object, which every route refuses after the key check if at all.
   */
  private static int call(Operation operation, String key) throws Exception {
    boolean hasBody = !operation.method().equals("GET") && !operation.method().equals("DELETE");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + NODE.node().httpPort() + operation.path()))
            .timeout(Duration.ofSeconds(30))
            .method(
                operation.method(),
                hasBody
                    ? HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8)
                    : HttpRequest.BodyPublishers.noBody());
    if (hasBody) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", basic(key));
    }
    HttpResponse<InputStream> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        body.readAllBytes();
      }
    }
    return response.statusCode();
  }
}
