package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class WriteAdmissionTest {

  private final WriteAdmission admission = new WriteAdmission(10);

  @Test
  void writesPastTheBoundAreRefusedUntilEarlierOnesComplete() {
    CompletableFuture<String> first = new CompletableFuture<>();
    admission.admit(6, () -> first);

    CompletableFuture<String> refused =
        admission.admit(5, () -> CompletableFuture.completedFuture("no")).toCompletableFuture();
    CompletionException error = assertThrows(CompletionException.class, refused::join);
    assertInstanceOf(WriteAdmission.Overloaded.class, error.getCause());
    assertEquals(6, admission.inFlight());

    first.complete("done");
    assertEquals(0, admission.inFlight());
    assertEquals(
        "yes",
        admission
            .admit(5, () -> CompletableFuture.completedFuture("yes"))
            .toCompletableFuture()
            .join());
  }

  @Test
  void aFailedWriteReleasesItsShare() {
    CompletableFuture<String> failing = new CompletableFuture<>();
    admission.admit(10, () -> failing);
    failing.completeExceptionally(new IllegalStateException("journal down"));
    assertEquals(0, admission.inFlight());
  }

  @Test
  void oneRequestLargerThanTheBoundIsAdmittedAlone() {
    CompletableFuture<String> big = new CompletableFuture<>();
    CompletableFuture<String> admitted = admission.admit(25, () -> big).toCompletableFuture();
    assertFalse(admitted.isCompletedExceptionally());
    CompletableFuture<String> next =
        admission.admit(1, () -> CompletableFuture.completedFuture("x")).toCompletableFuture();
    assertTrue(next.isCompletedExceptionally());
  }

  @Test
  void aChannelBehindShedsEveryWriteAndNamesTheChannel() {
    List<Shed> shed = new ArrayList<>();
    Shed.DeliveryBehind behind = new Shed.DeliveryBehind("email", Duration.ofMillis(1500));
    WriteAdmission admission =
        new WriteAdmission(
            new LatencyLimit(LatencyLimit.Settings.fixed(10)),
            () -> Optional.of(behind),
            SchedulingDelay.NONE,
            shed::add);
    CompletableFuture<String> refused =
        admission.admit(1, () -> CompletableFuture.completedFuture("no")).toCompletableFuture();
    CompletionException error = assertThrows(CompletionException.class, refused::join);
    assertEquals(Optional.of(behind), Customers.shedIn(error));
    assertEquals(List.of(behind), shed);
    assertEquals(0, admission.inFlight(), "even when nothing else is in flight");
  }

  @Test
  void slowerPersistsShrinkTheLimitUntilWritesAreRefused() {
    List<Shed> shed = new ArrayList<>();
    WriteAdmission admission =
        new WriteAdmission(
            new LatencyLimit(new LatencyLimit.Settings(200, 3000, 1.5)),
            DeliveryPressure.NONE,
            SchedulingDelay.NONE,
            shed::add);
    // Saturated with fast persists, the limit grows from its minimum to its maximum.
    long start = 0;
    for (int i = 0; i < 30_000; i++, start += 1_000_000) {
      admission.persisted(start, 5_000_000, admission.limit(), false);
    }
    assertEquals(3000, admission.limit());
    CompletableFuture<String> held = new CompletableFuture<>();
    admission.admit(1000, () -> held);
    assertFalse(
        admission
            .admit(100, () -> CompletableFuture.completedFuture("fits"))
            .toCompletableFuture()
            .isCompletedExceptionally(),
        "1,100 fit under the grown limit of 3,000");

    for (int i = 0; i < 5_000; i++, start += 1_000_000) {
      admission.persisted(start, 50_000_000, admission.limit(), false);
    }
    assertTrue(admission.limit() < 1100, "the limit fell: " + admission.limit());
    CompletableFuture<String> refused =
        admission.admit(100, () -> CompletableFuture.completedFuture("no")).toCompletableFuture();
    assertTrue(refused.isCompletedExceptionally());
    Shed.AtLimit atLimit = (Shed.AtLimit) shed.get(0);
    assertEquals(1000, atLimit.inFlight());
    assertEquals("limit", atLimit.reason());
  }

  @Test
  void aSaturatedDispatcherShedsEveryWriteUntilAProbeIsPromptAgain() {
    List<Shed> shed = new ArrayList<>();
    SchedulingDelay scheduling = new SchedulingDelay(Duration.ofMillis(20), 3, System::nanoTime);
    WriteAdmission admission =
        new WriteAdmission(
            new LatencyLimit(LatencyLimit.Settings.fixed(10)),
            DeliveryPressure.NONE,
            scheduling,
            shed::add);
    for (int i = 0; i < 3; i++) {
      scheduling.record(Duration.ofMillis(45).toNanos());
    }
    CompletableFuture<String> refused =
        admission.admit(1, () -> CompletableFuture.completedFuture("no")).toCompletableFuture();
    CompletionException error = assertThrows(CompletionException.class, refused::join);
    assertEquals(Optional.of(new Shed.Busy(Duration.ofMillis(45))), Customers.shedIn(error));
    assertEquals(Optional.of(new Shed.Busy(Duration.ofMillis(45))), admission.refuseIfBusy());
    assertEquals(2, shed.size(), "each refusal counted");
    assertEquals(0, admission.inFlight());

    scheduling.record(Duration.ofMillis(2).toNanos()); // one prompt probe: the node caught up
    assertEquals(Optional.empty(), admission.refuseIfBusy());
    assertEquals(
        "yes",
        admission
            .admit(1, () -> CompletableFuture.completedFuture("yes"))
            .toCompletableFuture()
            .join());
  }
}
