package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.support.NodeOnFreshDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The management port answers reads (health, metrics, cluster membership) and refuses the cluster
 * writes: anyone who reaches it could otherwise make a node leave, down it, or join it elsewhere.
 */
class ManagementPortTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.named("management");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void clusterWritesAreRefusedWhileReadsAnswer() throws Exception {
    HttpResponse<String> members = call("GET", "/cluster/members", null);
    assertEquals(200, members.statusCode(), members.body());
    JsonNode cluster = new ObjectMapper().readTree(members.body());
    String self = cluster.get("selfNode").asText();
    String member = "/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8);
    assertEquals(200, call("GET", member, null).statusCode());

    for (List<String> write :
        List.of(
            List.of("DELETE", member, ""),
            List.of("PUT", member, "operation=Down"),
            List.of("PUT", member, "operation=Leave"),
            List.of("POST", "/cluster/members", "address=" + self))) {
      HttpResponse<String> refused = call(write.get(0), write.get(1), write.get(2));
      int status = refused.statusCode();
      assertTrue(
          status == 404 || status == 405,
          write + " must be refused, was " + status + ": " + refused.body());
    }
    JsonNode after = new ObjectMapper().readTree(call("GET", "/cluster/members", null).body());
    assertEquals("Up", after.get("members").get(0).get("status").asText(), after.toString());
    assertEquals(1, after.get("members").size());
    assertEquals(200, call("GET", "/metrics", null).statusCode(), "Prometheus may still scrape");
    assertEquals(200, call("GET", "/ready", null).statusCode());
  }

  @Test
  void byDefaultTheManagementPortBindsTheNodesOwnAddressAndIsReadOnly() {
    Config management = ConfigFactory.load().getConfig("pekko.management.http");
    assertTrue(management.getBoolean("route-providers-read-only"));
    // Empty: Pekko Management binds the hostname, 127.0.0.1 unless ITINERA_MANAGEMENT_HOST says
    // otherwise (the pod's IP on Kubernetes); ITINERA_MANAGEMENT_BIND_HOST overrides both.
    if (System.getenv("ITINERA_MANAGEMENT_BIND_HOST") == null) {
      assertEquals("", management.getString("bind-hostname"));
    }
    if (System.getenv("ITINERA_MANAGEMENT_HOST") == null) {
      assertEquals("127.0.0.1", management.getString("hostname"));
    }
  }

  private static HttpResponse<String> call(String method, String path, String form)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + NODE.node().managementPort() + path));
    if (form == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/x-www-form-urlencoded")
          .method(method, HttpRequest.BodyPublishers.ofString(form));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
