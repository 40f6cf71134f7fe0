package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** How the gateway resends a write to a customer that did not answer (Customers#withResend). */
class ResendTest {

  private static final Duration RESEND_AFTER = Duration.ofMillis(50);

  /** Fails with a timeout after the timeout it was given, as an ask does. */
  private static <T> CompletionStage<T> noAnswer(Duration timeout) {
    return CompletableFuture.supplyAsync(
        () -> {
          throw new java.util.concurrent.CompletionException(new TimeoutException("no answer"));
        },
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Test
  void aWriteLostOnceIsSentAgainAndItsAnswerReturned() throws Exception {
    List<Duration> sent = new CopyOnWriteArrayList<>();
    String answer =
        Customers.<String>withResend(
                timeout -> {
                  sent.add(timeout);
                  return sent.size() == 1
                      ? noAnswer(timeout)
                      : CompletableFuture.completedFuture("recorded");
                },
                RESEND_AFTER,
                System.nanoTime() + Duration.ofSeconds(5).toNanos())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals("recorded", answer);
    assertEquals(List.of(RESEND_AFTER, RESEND_AFTER), sent);
  }

  @Test
  void aTimeoutNotWrappedIsSentAgainToo() throws Exception {
    // Pekko's ask fails its future with the AskTimeoutException itself, not wrapped.
    List<Duration> sent = new CopyOnWriteArrayList<>();
    String answer =
        Customers.<String>withResend(
                timeout -> {
                  sent.add(timeout);
                  return sent.size() == 1
                      ? CompletableFuture.failedFuture(new TimeoutException("ask timed out"))
                      : CompletableFuture.completedFuture("recorded");
                },
                RESEND_AFTER,
                System.nanoTime() + Duration.ofSeconds(5).toNanos())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals("recorded", answer);
    assertEquals(2, sent.size());
  }

  @Test
  void aFailureThatIsNoTimeoutIsNotSentAgain() {
    List<Duration> sent = new CopyOnWriteArrayList<>();
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () ->
                Customers.<String>withResend(
                        timeout -> {
                          sent.add(timeout);
                          return CompletableFuture.failedFuture(
                              new IllegalStateException("journal down"));
                        },
                        RESEND_AFTER,
                        System.nanoTime() + Duration.ofSeconds(5).toNanos())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    assertEquals(1, sent.size());
  }

  @Test
  void givesUpWithTheTimeoutAtTheDeadlineTheLastAttemptGettingWhatIsLeft() {
    List<Duration> sent = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () ->
                Customers.<String>withResend(
                        timeout -> {
                          sent.add(timeout);
                          return noAnswer(timeout);
                        },
                        RESEND_AFTER,
                        start + Duration.ofMillis(200).toNanos())
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(TimeoutException.class, failed.getCause());
    assertTrue(sent.size() >= 2 && sent.size() <= 4, "attempts: " + sent);
    assertTrue(sent.get(sent.size() - 1).toMillis() <= 75, "last attempt's timeout: " + sent);
    assertTrue(elapsedMillis >= 190, "gave up after " + elapsedMillis + " ms");
  }
}
