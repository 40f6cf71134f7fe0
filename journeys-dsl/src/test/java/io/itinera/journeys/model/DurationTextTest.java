package io.itinera.journeys.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @Test
  void readsTheUnitsDesignersWrite() {
    assertEquals(Optional.of(Duration.ofMinutes(15)), DurationText.parse("15m"));
    assertEquals(Optional.of(Duration.ofHours(24)), DurationText.parse("24h"));
    assertEquals(Optional.of(Duration.ofDays(7)), DurationText.parse("7d"));
    assertEquals(Optional.of(Duration.ofDays(14)), DurationText.parse("2w"));
    assertEquals(Optional.of(Duration.ofMinutes(90)), DurationText.parse("1h30m"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), DurationText.parse("30s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "m", "15 m", "-5m", "1.5h", "15min", "PT15M", "9999999999d"})
  void rejectsAnythingElse(String text) {
    assertTrue(DurationText.parse(text).isEmpty(), text);
  }

  @Test
  void writesTheShortestTextInDaysAndBelow() {
    assertEquals("1d", DurationText.format(Duration.ofHours(24)));
    assertEquals("7d", DurationText.format(Duration.ofDays(7)));
    assertEquals("1h30m", DurationText.format(Duration.ofMinutes(90)));
    assertEquals("0s", DurationText.format(Duration.ZERO));
  }
}
