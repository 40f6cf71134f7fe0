package io.itinera.journeys.load;

import static io.itinera.journeys.load.Journeys.errors;
import static io.itinera.journeys.load.Journeys.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per kind of designer mistake: the exact line the CLI prints, position included. */
class ErrorGoldenTest {

  @Test
  void gotoToAnUnknownStageSuggestsTheClosestName() {
    assertEquals(
        List.of(
            "j.yaml:7:15: goto names stage 'decison', which does not exist; did you mean 'decision'?"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              consideration:
                on:
                  - event: B
                    goto: decison
                  - event: C
                    goto: decision
              decision: {}
            """));
  }

  @Test
  void gotoWithNothingCloseListsTheStages() {
    assertEquals(
        List.of(
            "j.yaml:5:27: goto names stage 'checkout', which does not exist; the stages are start, done"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on: [{event: B, goto: checkout}, {event: C, goto: done}]
              done: {}
            """));
  }

  @Test
  void unreachableStage() {
    assertEquals(
        List.of(
            "j.yaml:7:3: stage 'advocacy' is unreachable: customers start in 'awareness' and no goto leads here from there; add a goto to it or remove it"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              awareness:
                on: [{event: B, goto: decision}]
              decision: {}
              advocacy: {}
            """));
  }

  @Test
  void triggerWithAnAlwaysFalseConditionCanNeverFire() {
    assertEquals(
        List.of(
            "j.yaml:7:15: trigger 'B' can never fire: its condition is always false; fix or remove the condition"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                    when: 1 > 2
                    do: [{channel: web, type: show, template: t}]
            """));
  }

  @Test
  void triggerOnAnExitTouchpointCanNeverFire() {
    assertEquals(
        List.of(
            "j.yaml:7:9: trigger 'Unsubscribed' can never fire: 'Unsubscribed' is an exit, which takes the customer out of the journey first; remove the trigger or the exit"),
        errors(
            """
            journey: j
            entry: {event: A}
            exit: [{event: Unsubscribed}]
            stages:
              start:
                on:
                  - event: Unsubscribed
                    do: [{channel: email, type: send, template: goodbye}]
            """));
  }

  @Test
  void triggerShadowedByAnEarlierUnconditionalOneCanNeverFire() {
    assertEquals(
        List.of(
            "j.yaml:8:9: trigger '3x B in 10m' can never fire: trigger 'B' above it fires on every 'B' first; move this one above it or give that one a condition"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                    do: [{channel: web, type: show, template: t}]
                  - count: {event: B, atLeast: 3, within: 10m}
                    do: [{channel: web, type: show, template: u}]
            """));
  }

  @Test
  void badDuration() {
    assertEquals(
        List.of(
            "j.yaml:6:51: bad duration '15 minutes'; write a whole number and a unit (s, m, h, d or w), e.g. 15m, 24h or 7d"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - absence: {event: Order Completed, within: 15 minutes}
                    do: [{channel: email, type: send, template: t}]
            """));
  }

  @Test
  void zeroLengthWindow() {
    assertEquals(
        List.of("j.yaml:4:44: a window of '0m' is no time at all; make it longer than zero"),
        errors(
            """
            journey: j
            entry: {event: A}
            caps:
              perChannel: [{channel: web, max: 1, per: 0m}]
            stages:
              start: {}
            """));
  }

  @Test
  void celSyntaxErrorPointsIntoTheQuotedCondition() {
    assertEquals(
        List.of(
            "j.yaml:4:35: condition error: the condition ends too early; complete the expression"),
        errors(
            """
            journey: j
            entry:
              event: A
              when: "event.properties.size == "
            stages:
              start: {}
            """));
  }

  @Test
  void celTypeErrorPointsIntoALiteralBlock() {
    assertEquals(
        List.of(
            "j.yaml:8:34: condition error: found no matching overload for '_>_' applied to '(int, string)'; compare values of the same type, e.g. a number with a number"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                    when: |
                      customer.counters['B'] > 'three'
                    do: [{channel: web, type: show, template: t}]
            """));
  }

  @Test
  void misspeltVariableSuggestsTheDeclaredOne() {
    assertEquals(
        List.of(
            "j.yaml:4:9: condition error: 'event.chanel' is not a variable; did you mean 'event.channel'?"),
        errors(
            """
            journey: j
            entry:
              event: A
              when: event.chanel == 'web'
            stages:
              start: {}
            """));
  }

  @Test
  void entryWithoutTouchpointCannotReadTheEvent() {
    assertEquals(
        List.of(
            "j.yaml:3:9: condition error: 'event.name' is not a variable; without a touchpoint a condition can only use customer.traits, customer.stage, customer.counters, customer.group.id, customer.group.traits, customer.groups and entry.data"),
        errors(
            """
            journey: j
            entry:
              when: event.name == 'A'
            stages:
              start: {}
            """));
  }

  @Test
  void conditionThatIsNotABooleanSaysHowToFixIt() {
    assertEquals(
        List.of(
            "j.yaml:2:28: condition error: expected type 'bool' but found 'int'; a condition must be true or false, e.g. compare with =="),
        errors(
            """
            journey: j
            entry: {event: A, when: "1 + 2"}
            stages:
              start: {}
            """));
  }

  @Test
  void duplicateStageNames() {
    assertEquals(
        List.of(
            "j.yaml:6:3: duplicate stage 'start' (first at line 4); give each stage its own name"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                description: one
              start:
                description: two
            """));
  }

  @Test
  void duplicateKeys() {
    assertEquals(
        List.of("j.yaml:3:1: duplicate key 'entry' (first at line 2); keep one of them"),
        errors(
            """
            journey: j
            entry: {event: A}
            entry: {event: B}
            stages:
              start: {}
            """));
  }

  @Test
  void duplicateTriggerNames() {
    assertEquals(
        List.of(
            "j.yaml:9:9: two triggers in stage 'start' are named 'nudge'; add a distinct 'name' to one of them"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - name: nudge
                    event: B
                    do: [{channel: web, type: show, template: t}]
                  - name: nudge
                    event: C
                    do: [{channel: web, type: show, template: t}]
            """));
  }

  @Test
  void contradictoryCaps() {
    assertEquals(
        List.of("j.yaml:6:7: two caps on 'email' per 7d contradict each other (3 and 5); keep one"),
        errors(
            """
            journey: j
            entry: {event: A}
            caps:
              perChannel:
                - {channel: email, max: 3, per: 7d}
                - {channel: email, max: 5, per: 7d}
            stages:
              start: {}
            """));
  }

  @Test
  void capThatForbidsAChannelTheJourneyUses() {
    assertEquals(
        List.of(
            "j.yaml:4:16: this cap allows no 'email' messages at all, yet the journey sends on 'email'; raise max or remove those actions"),
        errors(
            """
            journey: j
            entry: {event: A}
            caps:
              perChannel: [{channel: email, max: 0, per: 1d}]
            stages:
              start:
                enter: [{channel: email, type: send, template: welcome}]
            """));
  }

  @Test
  void quietHoursThatCoverNoTime() {
    assertEquals(
        List.of(
            "j.yaml:4:5: quiet hours from 08:00 to 08:00 cover no time; set 'to' to when sending may resume"),
        errors(
            """
            journey: j
            entry: {event: A}
            quietHours:
              - {channels: [sms], from: "08:00", to: "08:00"}
            stages:
              start: {}
            """));
  }

  @Test
  void unknownKeySuggestsTheClosestKnownKey() {
    assertEquals(
        List.of("j.yaml:7:9: unknown key 'gotoo' in a trigger; did you mean 'goto'?"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                    gotoo: start
            """));
  }

  @Test
  void unknownKeyWithNothingCloseListsTheKeys() {
    assertEquals(
        List.of(
            "j.yaml:2:19: unknown key 'audience' in the entry; expected one of: event, when, stage, segment,"
                + " schedule, broadcast"),
        errors(
            """
            journey: j
            entry: {event: A, audience: all}
            stages:
              start: {}
            """));
  }

  @Test
  void missingRequiredKeysAreEachNamed() {
    assertEquals(
        List.of(
            "j.yaml:1:1: missing 'entry'; say how customers enter, e.g. entry: {event: Product Viewed}",
            "j.yaml:4:13: missing 'template'; name the template the channel renders, e.g. template: cart-reminder"),
        errors(
            """
            journey: j
            stages:
              start:
                enter: [{channel: email, type: send}]
            """));
  }

  @Test
  void twoTriggerKindsInOneTrigger() {
    assertEquals(
        List.of(
            "j.yaml:6:20: a trigger can have only one of 'event', 'count' or 'absence', but this one has 'event' and 'absence'; split it into two triggers"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - {event: B, absence: {event: C, within: 1h}}
            """));
  }

  @Test
  void invalidYamlIsLocated() {
    assertEquals(
        List.of(
            "j.yaml:3:14: a second key on one line; put the inner mapping on its own, indented line, or quote a value that contains ': '"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages: start: {}
            """));
  }

  @Test
  void aLineIndentedLessThanItsMappingSaysWhatToAlignItWith() {
    assertEquals(
        List.of(
            "j.yaml:7:6: this line is indented less than the line above it but lines up with no key above it; align it with 'event' on line 6 to stay in that mapping, or with 'on' on line 5"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                 goto: done
              done: {}
            """));
  }

  @Test
  void aLineIndentedMoreThanTheLineAboveSaysWhatToAlignItWith() {
    assertEquals(
        List.of(
            "j.yaml:3:2: this line is indented more than the line above it; align it with 'entry' on line 2"),
        errors(
            """
            journey: j
            entry: {event: A}
             stages: {}
            """));
  }

  @Test
  void aKeyIndentedIntoTheValueAboveIsNamed() {
    assertEquals(
        List.of(
            "j.yaml:7:14: this line is indented more than the line above it, so YAML reads it as the rest of that line's value; align it with 'event' on line 6"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                     goto: done
              done: {}
            """));
  }

  @Test
  void aListItemIndentedLessThanItsKey() {
    assertEquals(
        List.of(
            "j.yaml:6:3: this list item is indented less than the line above it; indent it under 'on' on line 5"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
              - event: B
            """));
  }

  @Test
  void aTabInTheIndentation() {
    assertEquals(
        List.of(
            "j.yaml:3:1: a tab here; YAML indents with spaces only, replace the tab with spaces"),
        errors("journey: j\nentry:\n\tevent: A\nstages: {start: {}}\n"));
  }

  @Test
  void anUnclosedQuoteIsPointedAtWhereItOpens() {
    assertEquals(
        List.of(
            "j.yaml:1:10: this quote is never closed; end the value with the same quote it starts with"),
        errors(
            """
            journey: "j
            entry: {event: A}
            stages: {start: {}}
            """));
  }

  @Test
  void anUnclosedBraceIsPointedAtWhereItOpens() {
    assertEquals(
        List.of(
            "j.yaml:2:8: this '{' is never closed; close it with '}' (and separate its items with ', ')"),
        errors(
            """
            journey: j
            entry: {event: A
            stages: {start: {}}
            """));
  }

  @Test
  void aBracketClosedWithTheWrongKind() {
    assertEquals(
        List.of(
            "j.yaml:2:17: this ']' does not match the '{' opened at line 2, column 8; close it with '}'"),
        errors(
            """
            journey: j
            entry: {event: A]
            stages: {start: {}}
            """));
  }

  @Test
  void aKeyAloneOnItsLine() {
    assertEquals(
        List.of(
            "j.yaml:2:1: this line has no ':' after its key; write it as key: value, with a space after the colon"),
        errors(
            """
            journey: j
            entry
            stages: {start: {}}
            """));
  }

  @Test
  void aKeyWithoutItsColonRunsIntoTheNextLine() {
    assertEquals(
        List.of(
            "j.yaml:4:7: YAML reads this line as the rest of line 3's value, because that line has no ': ' after its key; write it as key: value"),
        errors(
            """
            journey: j
            entry:
              event A
              when: true
            stages: {start: {}}
            """));
  }

  @Test
  void emptyFile() {
    assertEquals(
        List.of(
            "j.yaml:1:1: the file is empty; a journey needs at least 'journey', 'entry' and 'stages'"),
        errors(""));
  }

  @Test
  void everyErrorOfAFileIsReportedAtOnce() {
    List<String> found =
        errors(
            """
            journey: j
            holdout: 140%
            entry: {event: A, when: "event.nmae == 'x'"}
            stages:
              start:
                on:
                  - {event: B, goto: nowhere}
                  - {absence: {event: C, within: soon}}
                enter: [{channel: web, type: show, template: t, delay: later}]
            """);
    assertEquals(5, found.size(), String.join("\n", found));
    assertTrue(found.get(0).startsWith("j.yaml:2:10: holdout '140%'"), found.get(0));
    assertTrue(found.get(4).startsWith("j.yaml:9:60: bad duration 'later'"), found.get(4));
  }

  @Test
  void suspiciousButLegalThingsAreWarnings() {
    assertEquals(
        List.of(
            "j.yaml:6:9: warning: trigger 'B' does nothing; give it actions under 'do' or a 'goto'",
            "j.yaml:7:15: warning: this condition is always true; remove it",
            "j.yaml:8:36: warning: counting to 1 is the same as a touchpoint trigger; write 'event: C' instead",
            "j.yaml:9:24: warning: this sends an SMS but no quiet hours cover 'sms'; customers may get texts at night, so add quietHours for sms",
            "j.yaml:10:24: warning: unknown channel 'emial'; did you mean 'email'? the gateway knows web, app, email, sms, push, support, pos"),
        problems(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on:
                  - event: B
                  - when: "true"
                    count: {event: C, atLeast: 1, within: 1h}
                    do: [{channel: sms, type: send, template: t},
                         {channel: emial, type: send, template: u}]
            """));
  }

  @Test
  void aTraitReadWithoutHasIsAWarningAtTheRead() {
    assertEquals(
        List.of(
            "j.yaml:3:49: warning: condition: 'customer.traits.segment' is read without has(): for customers without that trait the condition fails with an error, which counts as false but is slow; write 'has(customer.traits.segment) && ...'"),
        problems(
            """
            journey: j
            entry:
              when: "customer.stage == '' && customer.traits.segment == 'lapsed'"
            stages:
              start: {}
            """));
  }

  @Test
  void aConstantConditionOverTheIterationLimitIsAnErrorAtItsPlace() {
    String hundred =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    String when = hundred + ".all(a, " + hundred + ".all(b, " + hundred + ".all(c, c >= 0)))";
    assertEquals(
        List.of(
            "j.yaml:5:28: condition error: the condition takes more than 10000 loop iterations"
                + " (all, exists, exists_one, map, filter) in one evaluation, the limit; loop over"
                + " less"),
        errors(
            """
            journey: j
            entry: {event: A}
            stages:
              start:
                on: [{event: B, when: "%s", goto: done}]
              done: {}
            """
                .formatted(when)));
  }
}
