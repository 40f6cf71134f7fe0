package io.itinera.journeys.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.load.Journeys;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.Entry;
import io.itinera.journeys.model.EntrySchedule;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.JourneyBuilder;
import io.itinera.journeys.model.ReEntryPolicy;
import io.itinera.journeys.parse.JourneyParser;
import io.itinera.journeys.parse.ParsedJourney;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parse, write, parse gives the same model: the writer loses nothing a designer wrote. */
class RoundTripTest {

  static Stream<Path> samples() throws IOException {
    return Files.list(Path.of("../journeys"))
        .filter(p -> p.toString().endsWith(".journey.yaml"))
        .sorted();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleJourneySurvivesWriteAndParse(Path sample) throws IOException {
    ParsedJourney original = JourneyParser.parse(Files.readString(sample));
    assertEquals(List.of(), original.problems());
    String written = JourneyWriter.write(original.journey());
    assertEquals(original.journey(), reparse(written), written);
  }

  @Test
  void everyFeatureSurvivesWriteAndParse() {
    Journey everything =
        JourneyBuilder.journey("everything")
            .version(7)
            .description("Multi-line\ndescription: with a colon")
            .enterWhen("customer.traits['plan'] == 'trial' && customer.counters['Login'] >= 2")
            .stage(
                "first",
                s ->
                    s.description("the first")
                        .enter(
                            JourneyBuilder.action("email", "send", "welcome")
                                .named("hello")
                                .offer("WELCOME5")
                                .param("percent", "5")
                                .param("code", "true")
                                .param("name", "{{ customer.traits.first_name | default: 'you' }}")
                                .content(
                                    "Hi {{ customer.traits.first_name }}: {{ event.name }}",
                                    "Line one\n{% if customer.group.traits.plan %}plan{% endif %}\n")
                                .after(Duration.ofMinutes(90)))
                        .on(
                            JourneyBuilder.touchpoint("Login")
                                .named("logged in")
                                .when("event.channel == \"app\"")
                                .goTo("second"))
                        .on(
                            JourneyBuilder.count("Page Viewed", 4, Duration.ofHours(36))
                                .then(JourneyBuilder.action("web", "show", "banner")))
                        .on(JourneyBuilder.absence("Login", Duration.ofDays(3)).goTo("second")))
            .stage("second", s -> s)
            .exitOn("Unsubscribed")
            .exitOn("Order Completed", "event.properties['total'] > 100.0")
            .goal(
                "converted",
                "Subscription Started",
                "event.properties['plan'] != 'free'",
                Duration.ofDays(14))
            .reEntry(new ReEntryPolicy.AfterCooldown(Duration.ofDays(30)))
            .holdout(2.5)
            .priority(-3)
            .capChannel("email", 3, Duration.ofDays(7))
            .capAcrossChannels(5, Duration.ofDays(1))
            .offerCooldown(Duration.ofHours(24))
            .quietHours(
                List.of("sms", "push"), LocalTime.of(21, 30), LocalTime.of(8, 0), "Europe/Paris")
            .quietHours(List.of(), LocalTime.of(23, 0), LocalTime.of(6, 0), "customer")
            .build();
    assertTrue(
        Journeys.LOADER.load(everything).ok(),
        Journeys.LOADER.load(everything).problems()::toString);
    String written = JourneyWriter.write(everything);
    assertEquals(everything, reparse(written), written);
  }

  @Test
  void segmentEntriesOnEverySortOfScheduleSurviveWriteAndParse() {
    List<EntrySchedule> schedules =
        List.of(
            new EntrySchedule.Every(Duration.ofDays(1), LocalTime.of(9, 0), "customer"),
            new EntrySchedule.Every(Duration.ofHours(6), null, "Europe/Berlin"),
            new EntrySchedule.Cron("0 9 * * 1", "America/New_York"),
            new EntrySchedule.Once());
    for (EntrySchedule schedule : schedules) {
      Journey tested =
          JourneyBuilder.journey("lapsed")
              .entry(
                  new Entry(
                      null,
                      null,
                      null,
                      Condition.of("customer.lastSeen < now - duration('1440h')"),
                      schedule))
              .stage(
                  "miss-you", s -> s.enter(JourneyBuilder.action("email", "send", "we-miss-you")))
              .build();
      assertTrue(
          Journeys.LOADER.load(tested).ok(), Journeys.LOADER.load(tested).problems()::toString);
      String written = JourneyWriter.write(tested);
      assertEquals(tested, reparse(written), written);
    }
  }

  @Test
  void aBanditSplitAndSegmentsSurviveWriteAndParse() {
    Journey tested =
        JourneyBuilder.journey("tested")
            .enterOn("Product Added")
            .goal("purchase", "Order Completed", null, null)
            .segment("gold", "has(customer.traits.tier) && customer.traits.tier == 'gold'")
            .segment("returning", "'Order Completed' in customer.counters")
            .stage(
                "carted",
                s ->
                    s.on(
                        JourneyBuilder.absence("Order Completed", Duration.ofHours(1))
                            .split(
                                JourneyBuilder.bandit(
                                    "offer",
                                    JourneyBuilder.arm(
                                        "ten",
                                        34,
                                        null,
                                        JourneyBuilder.action("email", "send", "a")),
                                    JourneyBuilder.arm("ship", 33, "called"),
                                    JourneyBuilder.arm(
                                        "none",
                                        33,
                                        null,
                                        JourneyBuilder.action("web", "show", "b"))))
                            .goTo("reminded")))
            .stage("reminded", s -> s)
            .stage("called", s -> s)
            .build();
    assertTrue(
        Journeys.LOADER.load(tested).ok(), Journeys.LOADER.load(tested).problems()::toString);
    String written = JourneyWriter.write(tested);
    assertEquals(tested, reparse(written), written);
  }

  @Test
  void reEntryAlwaysAndDefaultsSurviveWriteAndParse() {
    Journey plain =
        JourneyBuilder.journey("plain")
            .enterOn("A")
            .reEntry(new ReEntryPolicy.Always())
            .stage("only", s -> s)
            .build();
    assertEquals(plain, reparse(JourneyWriter.write(plain)));
  }

  @Test
  void branchesGuardsAndWaitsSurviveWriteAndParse() {
    ParsedJourney original =
        JourneyParser.parse(
            """
            journey: second-edition
            zone: Europe/Berlin
            entry: {event: Signed Up}
            stages:
              welcome:
                enter:
                  - {channel: email, type: send, template: hi, when: "customer.traits.vip == true"}
                  - {channel: email, type: send, template: morning, delay: {until: "10:00", zone: customer}}
                  - {channel: email, type: send, template: digest, delay: {after: 1d, until: "09:30"}}
                  - {channel: email, type: send, template: ending, delay: {before: 3d, trait: trial_ends}}
                  - {channel: email, type: send, template: month, delay: {after: 30d, trait: signed_up_at}}
                branch:
                  - {when: "customer.traits.seats > 50", goto: sales}
                  - name: referred
                    when: "has(event.properties.referrer)"
                    do: [{channel: web, type: show, template: thanks}]
                  - {otherwise: true, do: [{channel: web, type: show, template: tour}]}
                on:
                  - absence: {event: Project Created, within: 2d}
                    goto: sales
                    branch:
                      - {name: vip, when: "customer.traits.vip == true", goto: welcome}
                      - {name: rest, otherwise: true}
              sales: {}
            """);
    assertEquals(List.of(), original.problems());
    String written = JourneyWriter.write(original.journey());
    assertEquals(original.journey(), reparse(written), written);
  }

  @Test
  void traitChangesSurviveWriteAndParse() {
    ParsedJourney original =
        JourneyParser.parse(
            """
            journey: sets
            entry: {event: A}
            stages:
              start:
                enter:
                  - set:
                      stage_seen: "'start'"
                      coupon:
                      visits: "has(customer.traits.visits) ? customer.traits.visits + 1 : 1"
                on:
                  - event: B
                    do:
                      - name: remember
                        set: {vip: true, score: 10, removed: null}
                      - channel: email
                        type: send
                        template: hello
                        set: {greeted: "true"}
            """);
    assertEquals(List.of(), original.problems());
    String written = JourneyWriter.write(original.journey());
    Journey again = reparse(written);
    assertEquals(original.journey(), again, written);
    assertTrue(written.contains("set:"), written);
    assertTrue(!written.contains("name: set "), "the default name is left out: " + written);
  }

  private static Journey reparse(String written) {
    ParsedJourney again = JourneyParser.parse(written);
    assertEquals(List.of(), again.problems(), written);
    return again.journey();
  }
}
