package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The headers and fields a problem brings with it, whichever route answers with it. */
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

  /** Segment's SDKs read {@code code} and {@code message}; RFC 9457's fields stay as they are. */
  @Test
  void everyProblemCarriesSegmentsCodeAndMessage() throws Exception {
    JsonNode unauthorized =
        Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(Problem.unauthorized("no key")));
    assertEquals("unauthorized", unauthorized.get("code").asText());
    assertEquals("no key", unauthorized.get("message").asText());
    assertEquals("no key", unauthorized.get("detail").asText());
    JsonNode pekkos =
        Json.MAPPER.readTree(
            Json.MAPPER.writeValueAsBytes(Problem.ofStatus(406, "Not Acceptable", "json only")));
    assertEquals("not-acceptable", pekkos.get("code").asText());
  }
}
