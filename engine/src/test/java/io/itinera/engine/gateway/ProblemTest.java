package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The headers a problem brings with it, whichever route answers with it. */
class ProblemTest {

  @Test
  void everyUnavailableAsksToRetryAfterASecond() {
    assertEquals(
        "1",
        Problem.unavailable("busy")
            .toResponse()
            .getHeader("Retry-After")
            .map(h -> h.value())
            .orElse(""));
  }

  @Test
  void everyUnauthorizedChallengesForBasic() {
    assertTrue(
        Problem.unauthorized("no key")
            .toResponse()
            .getHeader("WWW-Authenticate")
            .map(h -> h.value())
            .orElse("")
            .startsWith("Basic"));
  }

  @Test
  void otherProblemsBringNoRetryAfter() {
    assertTrue(Problem.notFound("none").toResponse().getHeader("Retry-After").isEmpty());
  }
}
