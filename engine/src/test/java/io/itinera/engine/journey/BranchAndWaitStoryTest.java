package io.itinera.engine.journey;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.NodeOnFreshDatabase;
import io.itinera.engine.support.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Branches and time-aware waits end to end on PostgreSQL: a journey deployed over HTTP, customers
 * posted over HTTP, time moved by a controllable clock. A wait until 10:00 in Berlin, decided on
 * the Saturday before the clocks go forward, fires at 08:00 UTC on the Sunday (not 09:00); a branch
 * on entering a stage and one on an absence timer each take the arm the customer's traits choose.
 * The timers go the production way: journal, projection, due_timers, waker, entity.
 */
class BranchAndWaitStoryTest {

  /** Saturday 28 March 2026, noon UTC; Europe's clocks go forward at 01:00 UTC on the Sunday. */
  private static final Instant START = Instant.parse("2026-03-28T12:00:00Z");

  private static final TestClock clock = new TestClock(START);

  @RegisterExtension
  static final NodeOnFreshDatabase NODE =
      NodeOnFreshDatabase.named("i18_lang_waits").withClock(clock);

  private static final ApiClient api = NODE.api();

  private static final String JOURNEY =
      """
      journey: trial-morning
      zone: UTC
      entry: {event: Trial Started}
      stages:
        trial:
          enter:
            - {channel: email, type: send, template: morning-tips, delay: {until: "10:00", zone: customer}}
          branch:
            - name: big account
              when: "has(customer.traits.seats) && customer.traits.seats > 50"
              do: [{channel: support, type: task, template: call-them}]
              goto: sales
            - otherwise: true
          on:
            - event: Project Created
            - name: two days later
              absence: {event: Project Created, within: 2d}
              branch:
                - {name: vip, when: "customer.traits.plan == 'vip'", do: [{channel: email, type: send, template: vip-call}]}
                - {otherwise: true, do: [{channel: email, type: send, template: tips}]}
        sales:
          on:
            - event: Project Created
      """;

  @Test
  void aWaitUntilTenFiresAtItsInstantAcrossDaylightSavingAndBranchesTakeTheirArms()
      throws Exception {
    ApiClient.Reply deployed =
        api.send(
            "PUT",
            "/v1/journeys/trial-morning",
            JOURNEY,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertTrue(deployed.status() == 201 || deployed.status() == 200, deployed.body());

    start("berlin", "{\"timezone\":\"Europe/Berlin\",\"plan\":\"vip\"}");
    start("paris-free", "{\"timezone\":\"Europe/Paris\",\"plan\":\"free\"}");
    start("big", "{\"seats\":80}");

    assertEquals("sales", stage("big"), "the branch on entering took 'big account'");
    assertEquals(List.of("big account"), branches("big"));
    assertEquals("trial", stage("berlin"));
    assertEquals(List.of("otherwise"), branches("berlin"));
    // 10:00 in Berlin on Sunday 29 March is 08:00 UTC: summer time has begun by then.
    assertEquals(List.of(Instant.parse("2026-03-29T08:00:00Z")), delayedDue("berlin"));

    clock.advance(Duration.between(START, Instant.parse("2026-03-29T07:59:00Z")));
    Thread.sleep(1_500); // several waker polls
    assertTrue(sent("berlin").isEmpty(), "not before 10:00 in Berlin: " + sent("berlin"));
    clock.advance(Duration.ofMinutes(1));
    awaitSent("berlin", s -> s.contains("morning-tips"));
    assertEquals(
        List.of(Instant.parse("2026-03-29T08:00:00Z")), firedAt("berlin", "DELAYED_ACTION"));

    // Two days after entering, the absence timer fires and its branch looks at the plan.
    clock.advance(Duration.ofDays(1).plusHours(4));
    awaitSent("berlin", s -> s.contains("vip-call"));
    awaitSent("paris-free", s -> s.contains("tips"));
    assertEquals(List.of("morning-tips", "vip-call"), sent("berlin"));
    assertEquals(List.of("morning-tips", "tips"), sent("paris-free"));
    assertEquals(List.of("otherwise", "vip"), branches("berlin"));
    assertEquals(List.of("call-them", "morning-tips"), sent("big"));
  }

  private static void start(String id, String traits) {
    String consented = traits.replaceFirst("}$", ",\"consent\":{\"email\":true}}");
    api.post("/v1/identify", "{\"userId\":\"" + id + "\",\"traits\":" + consented + "}");
    api.post(
        "/v1/track",
        "{\"userId\":\""
            + id
            + "\",\"event\":\"Trial Started\",\"timestamp\":\""
            + clock.instant()
            + "\"}");
  }

  private static String stage(String id) {
    return api.get("/v1/customers/" + id, basic(READ_KEY))
        .json()
        .at("/journeys/active/0/stage")
        .asText();
  }

  private static List<JsonNode> events(String id, String kind) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode decision :
        api.get("/v1/customers/" + id + "/decisions?limit=1000", basic(READ_KEY))
            .json()
            .get("decisions")) {
      for (JsonNode event : decision.get("events")) {
        if (kind.equals(event.get("kind").asText())) {
          found.add(event);
        }
      }
    }
    return found;
  }

  private static List<String> sent(String id) {
    return events(id, "ActionEmitted").stream()
        .map(e -> e.at("/action/template").asText())
        .toList();
  }

  private static List<String> branches(String id) {
    return events(id, "BranchTaken").stream().map(e -> e.get("arm").asText()).toList();
  }

  private static List<Instant> delayedDue(String id) {
    return events(id, "TimerScheduled").stream()
        .filter(e -> e.at("/timer/kind").asText().equals("DELAYED_ACTION"))
        .map(e -> Instant.parse(e.at("/timer/due").asText()))
        .toList();
  }

  /** When the customer's timers of {@code kind} fired, as the journal records it. */
  private static List<Instant> firedAt(String id, String kind) {
    return events(id, "TimerFired").stream()
        .filter(e -> e.at("/timer/kind").asText().equals(kind))
        .map(e -> Instant.parse(e.get("at").asText()))
        .toList();
  }

  private static void awaitSent(String id, Predicate<List<String>> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.test(sent(id))) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(id + " was sent " + sent(id));
      }
      Thread.sleep(100);
    }
  }
}
