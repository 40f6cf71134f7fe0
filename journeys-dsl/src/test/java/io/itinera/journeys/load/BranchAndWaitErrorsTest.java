package io.itinera.journeys.load;

import static io.itinera.journeys.load.Journeys.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Misused branches, guards and time-aware waits, each with the line the CLI prints. */
class BranchAndWaitErrorsTest {

  private static final String HEAD =
      """
      journey: j
      entry: {event: A}
      stages:
        start:
      """;

  @Test
  void anArmGoingToAnUnknownStage() {
    assertEquals(
        List.of(
            "j.yaml:7:15: goto names stage 'donne', which does not exist; did you mean 'done'?"),
        errors(
            HEAD
                + """
                    branch:
                      - when: customer.traits.vip == true
                        goto: donne
                      - otherwise: true
                        goto: done
                  done: {}
                """));
  }

  @Test
  void aBranchArmsTemplateIsParsedAtDeploy() {
    List<String> errors =
        errors(
            HEAD
                + """
                    branch:
                      - otherwise: true
                        do:
                          - channel: email
                            type: send
                            template: hi
                            params: {name: "{{ customer.traits.name"}
                """);
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(
        errors.get(0).startsWith("j.yaml:11:52: template error in param name:"), errors.toString());
  }

  @Test
  void otherwiseThatIsNotLast() {
    assertEquals(
        List.of(
            "j.yaml:7:9: arm 'arm 2' comes after the 'otherwise' arm, which is always taken first; move 'otherwise' last"),
        errors(
            HEAD
                + """
                    branch:
                      - otherwise: true
                      - when: customer.traits.vip == true
                        goto: done
                  done: {}
                """));
  }

  @Test
  void twoOtherwiseArms() {
    assertEquals(
        List.of(
            "j.yaml:8:9: a branch has one 'otherwise' arm at most, and arm 'otherwise' above is one; give this one a 'when' or remove it"),
        errors(
            HEAD
                + """
                    branch:
                      - {when: customer.traits.vip == true, goto: done}
                      - {otherwise: true}
                      - {name: fallback, otherwise: true}
                  done: {}
                """));
  }

  @Test
  void anArmWithABadCondition() {
    assertEquals(
        List.of(
            "j.yaml:6:36: condition error: 'vip' is not a variable; conditions can use event.name, event.channel, event.properties, event.timestamp, customer.traits, customer.stage, customer.counters, customer.group.id, customer.group.traits, customer.groups and entry.data"),
        errors(
            HEAD
                + """
                    branch:
                      - when: customer.traits.x == vip
                        goto: done
                  done: {}
                """));
  }

  @Test
  void anArmWithNeitherWhenNorOtherwise() {
    assertEquals(
        List.of(
            "j.yaml:6:9: a branch arm needs a 'when' condition, or 'otherwise: true' for the last arm"),
        errors(
            HEAD
                + """
                    branch:
                      - goto: done
                  done: {}
                """));
  }

  @Test
  void entryBranchesThatLoop() {
    assertEquals(
        List.of(
            "j.yaml:6:7: the branches on entering these stages go round in a loop: start -> done -> start; a customer would enter them forever, so make one arm stay or go elsewhere",
            "j.yaml:9:7: the branches on entering these stages go round in a loop: done -> start -> done; a customer would enter them forever, so make one arm stay or go elsewhere"),
        errors(
            HEAD
                + """
                    branch:
                      - {otherwise: true, goto: done}
                  done:
                    branch:
                      - {when: customer.traits.vip == true, goto: start}
                """));
  }

  @Test
  void aBranchOnATouchpointTrigger() {
    assertEquals(
        List.of(
            "j.yaml:7:9: only an absence trigger can branch (its timer has no touchpoint to put in 'when'); on a touchpoint trigger, write one trigger per case with its own 'when'"),
        errors(
            HEAD
                + """
                    on:
                      - event: B
                        branch:
                          - {otherwise: true, goto: done}
                  done: {}
                """));
  }

  @Test
  void anAbsenceBranchGoingToAnUnknownStage() {
    assertEquals(
        List.of(
            "j.yaml:9:37: goto names stage 'nowhere', which does not exist; the stages are start, done"),
        errors(
            HEAD
                + """
                    on:
                      - absence: {event: B, within: 2d}
                        goto: done
                        branch:
                          - {otherwise: true, goto: nowhere}
                  done: {}
                """));
  }

  @Test
  void aGuardWithABadCondition() {
    assertEquals(
        List.of(
            "j.yaml:6:71: condition error: found no matching overload for '_>_' applied to '(string, int)'; compare values of the same type, e.g. a number with a number"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, when: "customer.stage > 3"}
                """));
  }

  @Test
  void untilThatIsNotATimeOfDay() {
    assertEquals(
        List.of("j.yaml:6:64: '25:00' is not a time of day; write HH:MM in quotes, e.g. \"21:00\""),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, delay: {until: "25:00"}}
                """));
  }

  @Test
  void untilInAnUnknownZone() {
    assertEquals(
        List.of(
            "j.yaml:6:79: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'? use 'customer' for the customer's own zone or an id such as Europe/Paris"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, delay: {until: "10:00", zone: Europe/Berln}}
                """));
  }

  @Test
  void aTraitWaitNeedsBeforeOrAfter() {
    assertEquals(
        List.of(
            "j.yaml:6:56: say when relative to the trait's date with one of 'before' or 'after', e.g. before: 3d"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, delay: {trait: trial_ends}}
                """));
  }

  @Test
  void untilAndTraitTogether() {
    assertEquals(
        List.of(
            "j.yaml:6:73: a delay waits either until a time of day or relative to a trait's date, not both; drop 'until' or 'trait'"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, delay: {until: "10:00", trait: x, before: 1d}}
                """));
  }

  @Test
  void aDelayMappingWithNeither() {
    assertEquals(
        List.of(
            "j.yaml:6:56: a delay mapping needs 'until' (a time of day) or 'trait' (a date); for a fixed wait write e.g. delay: 15m"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t, delay: {after: 1d}}
                """));
  }

  @Test
  void theJourneyZoneCannotBeCustomer() {
    assertEquals(
        List.of(
            "j.yaml:2:7: the journey's zone is used when the customer's is unknown, so it cannot be 'customer'; name a zone such as Europe/Paris"),
        errors(
            """
            journey: j
            zone: customer
            entry: {event: A}
            stages:
              start: {}
            """));
  }

  @Test
  void anArmsActionNamedLikeAnEnterAction() {
    assertEquals(
        List.of(
            "j.yaml:9:14: arm 'otherwise' has an action named 't' like one that goes out before it; add a distinct 'name' to one of them"),
        errors(
            HEAD
                + """
                    enter:
                      - {channel: web, type: show, template: t}
                    branch:
                      - otherwise: true
                        do: [{channel: web, type: show, template: t}]
                """));
  }
}
