package io.itinera.engine.hostile;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.engine.support.Scrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Journey files an attacker with the admin key, or a careless designer, could send: YAML bombs,
 * conditions that loop forty million times, twenty thousand mistakes. Each is refused quickly with
 * located problems, a costly condition at run time counts as false with a warning and a metric, and
 * the node goes on serving.
 */
class HostileJourneysTest {

  @RegisterExtension
  static final NodeOnFreshDatabase NODE = NodeOnFreshDatabase.sharedAs("hostile");

  private static final ApiClient api = NODE.api();

  /** {@code [0, 1, ..., n-1]} as a CEL list literal. */
  static String list(int n) {
    return IntStream.range(0, n)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** 350 x 350 x 350: the 43 million iterations that held a core for a minute. */
  static final String FORTY_THREE_MILLION =
      list(350) + ".all(a, " + list(350) + ".all(b, " + list(350) + ".all(c, a + b + c >= 0)))";

  static String journey(String name, String when) {
    return """
        journey: %s
        entry:
          event: Signed Up
          when: "%s"
        stages:
          new:
            on: [{event: Order Completed, goto: bought}]
          bought: {}
        """
        .formatted(name, when);
  }

  static Reply put(String name, String yaml, boolean dryRun) {
    return api.send(
        "PUT",
        "/v1/journeys/" + name + (dryRun ? "?dryRun=true" : ""),
        yaml,
        "application/yaml",
        basic(ADMIN_KEY),
        Check.RESPONSE);
  }

  static void isInvalidJourney(Reply reply, String detailPart) {
    assertEquals(422, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
    JsonNode first = reply.json().get("errors").get(0);
    assertTrue(first.path("line").asInt() >= 1 && first.path("column").asInt() >= 1, reply.body());
    assertTrue(
        first.get("detail").asText().contains(detailPart),
        () -> "should mention \"" + detailPart + "\": " + reply.body());
  }

  @Test
  void aBillionLaughsIsRefusedAtItsAliases() {
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      String previous = "*" + (char) (c - 1);
      bomb.append(c)
          .append(": &")
          .append(c)
          .append(" [")
          .append(String.join(",", java.util.Collections.nCopies(9, previous)))
          .append("]\n");
    }
    isInvalidJourney(put("bomb", bomb.toString(), true), "alias");
    HostileBodiesTest.stillHealthy(api);
  }

  @Test
  void nestingAHundredThousandDeepIsRefused() {
    String deep = "journey: deep\nentry: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
    isInvalidJourney(put("deep", deep, true), "nests too deeply");
    HostileBodiesTest.stillHealthy(api);
  }

  @Test
  void fourDryRunsOfAFortyThreeMillionLoopAreRefusedQuickly() {
    long start = System.nanoTime();
    List<CompletableFuture<Reply>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> put("loops", journey("loops", FORTY_THREE_MILLION), true)));
    }
    for (CompletableFuture<Reply> run : runs) {
      Reply reply = run.join();
      isInvalidJourney(reply, "more than 10000 loop iterations");
      assertEquals(4, reply.json().get("errors").get(0).get("line").asInt(), reply.body());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.toSeconds() < 10, "took " + took);
    HostileBodiesTest.stillHealthy(api);
  }

  @Test
  void aCostlyConditionAtRunTimeCountsAsFalseWithAWarningAndAMetric() throws Exception {
    String when = "event.properties.items.all(a, event.properties.items.all(b, a != b || a == b))";
    String name = "pairs-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, api.deployJourney(name, journey(name, when)).status());
    // Every node loads deployments within its poll interval (1 s).
    Thread.sleep(1_500);
    double before = scrape().value("itinera_conditions_over_limit_total");
    String customer = "costly-" + UUID.randomUUID();
    long start = System.nanoTime();
    Reply tracked =
        api.post(
            "/v1/track",
            "{\"userId\":\"%s\",\"event\":\"Signed Up\",\"properties\":{\"items\":%s}}"
                .formatted(customer, list(2_000)));
    assertEquals(200, tracked.status(), tracked.body());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2_000);
    JsonNode decisions =
        api.get("/v1/customers/" + customer + "/decisions", basic(ADMIN_KEY))
            .json()
            .get("decisions");
    assertEquals(1, decisions.size(), decisions::toString);
    // Which limit it meets first depends on the machine: the loop is simple enough for either.
    String warning = decisions.get(0).get("explanation").get(0).asText();
    assertTrue(
        warning.matches(
            "warning: "
                + name
                + " condition '"
                + java.util.regex.Pattern.quote(when)
                + "' stopped at its limit of (10000 loop iterations|100 ms) and counted as false"),
        warning);
    assertEquals(before + 1, scrape().value("itinera_conditions_over_limit_total"));
  }

  @Test
  void thousandsOfMistakesListTheFirstHundred() {
    StringBuilder yaml = new StringBuilder("journey: typos\nentry: {event: A}\nstages: {s: {}}\n");
    int typos = 20_000;
    for (int i = 0; i < typos; i++) {
      yaml.append("unknown").append(i).append(": x\n");
    }
    Reply reply = put("typos", yaml.toString(), true);
    assertEquals(422, reply.status());
    JsonNode problem = reply.json();
    assertEquals(100, problem.get("errors").size());
    assertEquals(typos - 100, problem.get("errorsOmitted").asInt(), reply.body().substring(0, 500));
    assertTrue(reply.body().length() < 100_000, "reply of " + reply.body().length() + " chars");
    assertTrue(problem.get("detail").asText().contains("The first 100 are listed"));
  }

  private static Scrape scrape() {
    return Scrape.of(NODE.node().managementPort());
  }
}
