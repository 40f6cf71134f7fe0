package io.itinera.journeys.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A split's and a segment's mistakes are reported at the line and column where they are. */
class SplitValidationTest {

  private static String journey(String goal, String split) {
    return """
        journey: j
        entry: {event: Product Added}
        %s
        stages:
          carted:
            on:
              - absence: {event: Order Completed, within: 1h}
                goto: reminded
                split:
        %s
          reminded: {}
          called: {}
        """
        .formatted(goal, split.indent(10).stripTrailing());
  }

  private static final String GOAL = "goal: {event: Order Completed}";

  @Test
  void aGoodSplitLoadsAndItsArmsReachTheirStages() {
    assertEquals(
        List.of(),
        Journeys.problems(
            journey(
                GOAL,
                """
                name: offer
                arms:
                  - {name: a, weight: 50, do: [{channel: email, type: send, template: a}]}
                  - {name: b, weight: 50, goto: called}
                """)));
  }

  @Test
  void weightsThatDoNotAddUpToAHundred() {
    assertEquals(
        List.of(
            "j.yaml:12:13: the weights of split 'offer' add up to 90, not 100; make them"
                + " percentages of the customers that add up to 100"),
        Journeys.errors(
            journey(
                GOAL,
                """
                name: offer
                arms:
                  - {name: a, weight: 60, goto: called}
                  - {name: b, weight: 30}
                """)));
  }

  @Test
  void aWeightThatIsNotPositive() {
    assertEquals(
        List.of(
            "j.yaml:13:33: arm 'b' has weight 0; weights must be positive",
            "j.yaml:15:23: arm 'c' has weight -5; weights must be positive"),
        Journeys.errors(
            journey(
                GOAL,
                """
                name: offer
                arms:
                  - {name: a, weight: 105, goto: called}
                  - {name: b, weight: 0}
                  - name: c
                    weight: -5
                """)));
  }

  @Test
  void duplicateArmsAndAnArmGoingToAStageThatDoesNotExist() {
    assertEquals(
        List.of(
            "j.yaml:12:43: arm 'a' names stage 'calld', which does not exist; did you mean"
                + " 'called'?",
            "j.yaml:13:22: split 'offer' has two arms named 'a'; rename one",
            "j.yaml:15:3: stage 'called' is unreachable: customers start in 'carted' and no goto"
                + " leads here from there; add a goto to it or remove it"),
        Journeys.errors(
            journey(
                GOAL,
                """
                name: offer
                arms:
                  - {name: a, weight: 50, goto: calld}
                  - {name: a, weight: 50}
                """)));
  }

  @Test
  void aBanditWithoutAGoal() {
    assertEquals(
        List.of(
            "j.yaml:11:21: split 'offer' is a bandit, which learns from the journey's goal, but"
                + " the journey has none; add a goal, e.g. goal: {event: Order Completed, within:"
                + " 7d}"),
        Journeys.errors(
            journey(
                "",
                """
                name: offer
                strategy: bandit
                arms:
                  - {name: a, weight: 50}
                  - {name: b, weight: 50, goto: called}
                """)));
  }

  @Test
  void anUnknownStrategyAndAMinimumShareTooLargeForTheArms() {
    assertEquals(
        List.of("j.yaml:11:21: strategy 'greedy' is not a strategy; write fixed or bandit"),
        Journeys.errors(
            journey(
                GOAL,
                """
                name: offer
                strategy: greedy
                arms:
                  - {name: a, weight: 50}
                  - {name: b, weight: 50, goto: called}
                """)));
    assertEquals(
        List.of(
            "j.yaml:16:21: a minimum share of 40.0% for each of 3 arms is more than 100%; lower"
                + " it"),
        Journeys.errors(
            journey(
                GOAL,
                """
                name: offer
                strategy: bandit
                arms:
                  - {name: a, weight: 30}
                  - {name: b, weight: 30}
                  - {name: c, weight: 40, goto: called}
                minShare: 40%
                """)));
  }

  @Test
  void aBanditsSettingsOnAFixedSplitAreAWarning() {
    assertEquals(
        List.of(
            "j.yaml:14:21: warning: minShare and warmUp apply only to a bandit; add 'strategy:"
                + " bandit' or remove them"),
        Journeys.problems(
            journey(
                GOAL,
                """
                name: offer
                arms:
                  - {name: a, weight: 50}
                  - {name: b, weight: 50, goto: called}
                minShare: 10%
                """)));
  }

  @Test
  void aSegmentWithBadCelIsReportedAtItsColumn() {
    String yaml =
        """
        journey: j
        entry: {event: Product Added}
        segments:
          gold: "customer.traits.tier == 'gold'"
          heavy: "customer.countrs['Order Completed'] > 3"
        stages:
          carted: {}
        """;
    assertEquals(
        List.of(
            "j.yaml:5:11: condition error: 'customer.countrs' is not a variable; did you mean"
                + " 'customer.counters'?"),
        Journeys.errors(yaml));
  }

  @Test
  void aSegmentNamedTwice() {
    String yaml =
        """
        journey: j
        entry: {event: Product Added}
        segments:
          gold: "has(customer.traits.tier)"
          gold: "'Order Completed' in customer.counters"
        stages:
          carted: {}
        """;
    assertEquals(
        List.of("j.yaml:5:3: duplicate key 'gold' (first at line 4); keep one of them"),
        Journeys.errors(yaml));
  }
}
