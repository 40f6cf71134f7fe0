package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    CompletionException error =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, refused::join);
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
}
