package io.itinera.journeys.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's clock, its trace and its errors, on small journeys written for each test. */
class SimulateTest {

  static final String CART =
      """
      journey: cart
      entry: {event: Product Added}
      exit:
        - event: Unsubscribed
      stages:
        decision:
          on:
            - event: Order Completed
              goto: bought
            - absence: {event: Order Completed, within: 15m}
              do: [{channel: web, type: show, template: reminder}]
        bought:
          enter: [{channel: web, type: show, template: thanks, delay: 1h}]
      """;

  @TempDir Path dir;
  private Path journey;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeJourney() throws IOException {
    journey = Files.writeString(dir.resolve("cart.journey.yaml"), CART);
  }

  int simulate(String script) throws IOException {
    Path file = Files.writeString(dir.resolve("test.simulate"), script);
    return Simulate.run(
        journey,
        file,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  List<String> trace() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  List<String> errors() {
    return err.toString(StandardCharsets.UTF_8).lines().map(l -> l.replace(dir + "/", "")).toList();
  }

  @Test
  void dueTimersFireBetweenTouchpointsAtTheirOwnTime() throws IOException {
    assertEquals(
        0,
        simulate(
            """
        customer ann
        2026-11-23T10:00:00Z track "Product Added" channel=web
        2026-11-23T11:00:00Z track "Order Completed" channel=app
        """),
        errors()::toString);
    assertEquals(
        List.of(
            "2026-11-23T10:00:00Z ann < track \"Product Added\" channel=web",
            "2026-11-23T10:00:00Z ann cart entered at decision",
            "2026-11-23T10:00:00Z ann cart timer \"no Order Completed in 15m\" due 2026-11-23T10:15:00Z",
            "2026-11-23T10:15:00Z ann cart action show web reminder on \"no Order Completed in 15m\"",
            "2026-11-23T11:00:00Z ann < track \"Order Completed\" channel=app",
            "2026-11-23T11:00:00Z ann cart stage decision -> bought on \"Order Completed\"",
            "2026-11-23T11:00:00Z ann cart delayed show web thanks until 2026-11-23T12:00:00Z",
            "2026-11-23T12:00:00Z ann cart action show web thanks on entering bought",
            "2026-11-23T12:00:00Z ann cart left: completed"),
        trace());
  }

  @Test
  void aTimerDueAtTheTimeOfATouchpointFiresFirst() throws IOException {
    simulate(
        """
        2026-11-23T10:00:00Z track "Product Added" channel=web
        2026-11-23T10:15:00Z track "Order Completed" channel=app
        2026-11-23T10:30:00Z end
        """);
    assertEquals(
        "2026-11-23T10:15:00Z customer cart action show web reminder on \"no Order Completed in 15m\"",
        trace().get(3));
  }

  @Test
  void timersDueAfterTheEndNeverFire() throws IOException {
    simulate(
        """
        2026-11-23T10:00:00Z track "Product Added" channel=web
        2026-11-23T10:14:59Z end
        """);
    assertEquals(3, trace().size());
  }

  @Test
  void customersWrittenOneAfterAnotherAreSimulatedTogetherInTimeOrder() throws IOException {
    simulate(
        """
        customer bob
        2026-11-23T10:05:00Z track "Product Added" channel=web
        2026-11-23T10:16:00Z track "Unsubscribed" channel=email
        customer ann
        2026-11-23T10:00:00Z track "Product Added" channel=web
        """);
    assertEquals("2026-11-23T10:00:00Z ann < track \"Product Added\" channel=web", trace().get(0));
    assertEquals(
        List.of(
            "2026-11-23T10:15:00Z ann cart action show web reminder on \"no Order Completed in 15m\"",
            "2026-11-23T10:16:00Z bob < track \"Unsubscribed\" channel=email",
            "2026-11-23T10:16:00Z bob cart cancelled timer \"no Order Completed in 15m\": exit on Unsubscribed",
            "2026-11-23T10:16:00Z bob cart left: exit on Unsubscribed"),
        trace().subList(6, 10));
  }

  @Test
  void valuesAreReadAsJsonWouldSendThem() throws IOException {
    Files.writeString(
        journey,
        """
        journey: typed
        entry: {event: Order Completed, when: "event.properties.total > 100.0 && event.properties.items == 2 && event.properties.gift && event.properties.note == 'for Sam' && event.properties.shop.city == 'Lyon'"}
        stages:
          done: {}
        """);
    simulate(
        """
        2026-11-23T10:00:00Z track "Order Completed" total=120.5 items=2 gift=true note="for Sam" shop.city=Lyon
        """);
    assertEquals("2026-11-23T10:00:00Z customer typed entered at done", trace().get(1));
  }

  @Test
  void aGroupLineJoinsTheCustomerToAGroupAndNeedsItsId() throws IOException {
    assertEquals(
        0,
        simulate(
            """
            customer gus
            2026-11-23T10:00:00Z group globex plan=enterprise
            2026-11-23T10:01:00Z end
            """));
    assertEquals(List.of("2026-11-23T10:00:00Z gus < group globex plan=enterprise"), trace());
    assertEquals(
        1,
        simulate(
            """
            2026-11-23T10:00:00Z group plan=enterprise
            """));
    assertEquals(
        List.of("test.simulate:1:27: group needs the group's id, e.g. group acme plan=enterprise"),
        errors());
  }

  @Test
  void scriptMistakesAreLocatedAllAtOnce() throws IOException {
    int code =
        simulate(
            """
        customer ann
        2026-11-23 10:00 track "Product Added"
        2026-11-23T10:00:00Z trak "Product Added"
        2026-11-23T10:00:00Z track channel=web
        2026-11-23T10:00:00Z track "Product Added" web
        2026-11-23T09:00:00Z track "Product Added
        2026-11-23T10:00:00Z page Home a.b=1 a.b.c=2
        2026-11-23T10:00:00Z identify plan=pro plan=max
        2026-11-23T08:00:00Z track "Product Added"
        2026-11-23T09:30:00Z end now
        2026-11-23T12:00:00Z track "Product Added"
        """);
    assertEquals(1, code);
    assertEquals(
        List.of(
            "test.simulate:2:1: '2026-11-23' is not a time; start the line with one such as 2026-11-23T10:00:00Z (UTC) or 2026-11-23T11:00:00+01:00, or with 'customer ID'",
            "test.simulate:3:22: unknown touchpoint 'trak'; did you mean 'track'?",
            "test.simulate:4:27: track needs a name, e.g. track \"Product Viewed\"",
            "test.simulate:5:44: expected key=value, found 'web'; quote values with spaces: key=\"two words\"",
            "test.simulate:6:28: the quote opened here is not closed; close it with \"",
            "test.simulate:7:38: 'a.b' is already a value; it cannot also hold 'a.b.c'",
            "test.simulate:8:40: 'plan' is given twice on this line",
            "test.simulate:9:1: this line is at 2026-11-23T08:00:00Z, before the line above for ann (2026-11-23T10:00:00Z); put each customer's lines in time order",
            "test.simulate:10:1: the end is at 2026-11-23T09:30:00Z, before a line at 2026-11-23T10:00:00Z; end later",
            "test.simulate:10:26: end takes nothing after it",
            "test.simulate:11:1: nothing may follow the end line; remove this line or move the end"),
        errors());
    assertEquals(List.of(), trace(), "nothing is simulated from a script with errors");
  }

  @Test
  void journeyErrorsAreReportedAndNothingIsSimulated() throws IOException {
    Files.writeString(journey, "journey: broken\nstages: {}\n");
    int code = simulate("2026-11-23T10:00:00Z track \"Product Added\"\n");
    assertEquals(1, code);
    assertEquals(List.of(), trace());
    assertEquals(
        true,
        errors().stream().allMatch(line -> line.startsWith("cart.journey.yaml:")),
        errors()::toString);
  }

  @Test
  void aJourneyThatNeverStopsNeedsAnEndLine() throws IOException {
    Files.writeString(
        journey,
        """
        journey: loop
        entry: {event: Signed Up}
        stages:
          waiting:
            on:
              - absence: {event: Signed In, within: 1h}
                goto: waiting
        """);
    int code = simulate("2026-11-23T10:00:00Z track \"Signed Up\"\n");
    assertEquals(1, code);
    assertEquals(
        List.of(
            "test.simulate: timers were still firing after 10000 of them; end the script with a line"
                + " such as '2026-12-31T00:00:00Z end'"),
        errors());
  }

  @Test
  void theTraceSaysWhichArmEachBranchTookAndWhenAWaitIsDue() throws IOException {
    journey =
        Files.writeString(
            dir.resolve("onboarding.journey.yaml"),
            """
            journey: onboarding
            entry: {event: Signed Up}
            stages:
              welcome:
                branch:
                  - {name: big, when: "customer.traits.seats > 50", goto: sales}
                  - {otherwise: true}
                on:
                  - name: two days later
                    absence: {event: Project Created, within: 2d}
                    branch:
                      - name: vip
                        when: "customer.traits.plan == 'vip'"
                        do: [{channel: web, type: show, template: tips, delay: {until: "10:00", zone: customer}}]
              sales: {}
            """);
    assertEquals(
        0,
        simulate(
            """
            customer ann
            2026-03-27T10:00:00Z identify plan=vip timezone=Europe/Berlin
            2026-03-27T10:00:00Z track "Signed Up" channel=web
            2026-04-01T00:00:00Z end
            """),
        errors()::toString);
    List<String> trace = trace();
    assertEquals(
        List.of(
            "2026-03-27T10:00:00Z ann onboarding branch on entering welcome: arm otherwise",
            "2026-03-29T10:00:00Z ann onboarding branch on \"two days later\": arm vip",
            "2026-03-29T10:00:00Z ann onboarding delayed show web tips until 2026-03-30T08:00:00Z"
                + " (the next 10:00 in Europe/Berlin, the customer's zone)",
            "2026-03-30T08:00:00Z ann onboarding action show web tips on \"two days later\""),
        trace.stream().filter(line -> line.contains("branch") || line.contains("tips")).toList(),
        trace::toString);
  }
}
