package io.itinera.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drain settings against the coordinated-shutdown phases that would cut them short. */
class GracefulLeaveSettingsTest {

  private static Config with(Map<String, Object> settings) {
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
  }

  @Test
  void theShippedSettingsFitTheirPhases() {
    Config config = ConfigFactory.load();
    GracefulLeave.Settings settings = GracefulLeave.Settings.from(config);
    settings.checkAgainst(config);
    assertEquals(Duration.ofSeconds(5), settings.drainDelay());
  }

  @Test
  void aDrainDelayItsPhaseWouldCutShortIsRefused() {
    Config config = with(Map.of("itinera.shutdown.drain-delay", "10s"));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> GracefulLeave.Settings.from(config).checkAgainst(config));
    assertTrue(refused.getMessage().contains("before-service-unbind"), refused.getMessage());
  }

  @Test
  void aRequestsDeadlineItsPhaseWouldCutShortIsRefused() {
    Config config =
        with(
            Map.of(
                "itinera.shutdown.requests-deadline",
                "20s",
                "pekko.coordinated-shutdown.phases.service-requests-done.timeout",
                "15s"));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> GracefulLeave.Settings.from(config).checkAgainst(config));
    assertTrue(refused.getMessage().contains("service-requests-done"), refused.getMessage());
  }
}
