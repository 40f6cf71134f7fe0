package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.JourneyEntered;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A holdout group moves through the journey but is sent nothing, so the lift can be measured. */
class HoldoutTest {

  static String heldOutOf(String journey) {
    return IntStream.range(0, 1000)
        .mapToObj(i -> "runner-" + i)
        .filter(id -> Holdout.isHeldOut(id, journey, 10))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void holdoutCustomerMovesThroughStagesButReceivesNothing() {
    Timeline held = new Timeline(heldOutOf("running-shoes"), RunningShoesTest.SHOES);
    held.identify(Map.of("consent", Map.of("email", true, "sms", true)));
    for (int view = 0; view < 3; view++) {
      held.after(Duration.ofMinutes(1)).track("Product Viewed", "web", RunningShoesTest.RUNNING);
    }
    held.after(Duration.ofMinutes(1)).track("Product Added", "web");
    held.after(Duration.ofMinutes(20)).track("Order Completed", "app");
    held.after(Duration.ofDays(2));
    assertTrue(held.events(JourneyEntered.class).get(0).holdout());
    assertEquals(List.of("consideration", "decision", "onboarding"), held.stages("running-shoes"));
    assertEquals(List.of(), held.sent());
    assertEquals(
        List.of("discount-popup HOLDOUT", "cart-reminder HOLDOUT", "shoe-care-tips HOLDOUT"),
        held.suppressed());
    assertEquals(
        List.of(),
        held.state().timers(),
        "a held-out delayed action is suppressed at once, not scheduled");
  }

  @Test
  void holdoutIsStableAndCloseToItsShare() {
    long held =
        IntStream.range(0, 20_000)
            .filter(i -> Holdout.isHeldOut("c" + i, "running-shoes", 10))
            .count();
    assertTrue(held > 1_800 && held < 2_200, held + " of 20000 held out at 10%");
    assertEquals(Holdout.bucket("c7", "running-shoes"), Holdout.bucket("c7", "running-shoes"));
    assertTrue(Holdout.isHeldOut("anyone", "j", 100));
    assertFalse(Holdout.isHeldOut("anyone", "j", 0));
  }

  @Test
  void eachJourneyHoldsOutItsOwnGroup() {
    List<Integer> shoes =
        IntStream.range(0, 50).map(i -> Holdout.bucket("c" + i, "running-shoes")).boxed().toList();
    List<Integer> winBack =
        IntStream.range(0, 50).map(i -> Holdout.bucket("c" + i, "win-back")).boxed().toList();
    assertNotEquals(shoes, winBack);
  }
}
