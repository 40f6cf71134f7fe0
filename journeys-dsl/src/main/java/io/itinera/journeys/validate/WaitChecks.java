package io.itinera.journeys.validate;

import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.Wait;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The checks on time-aware waits that the parser cannot make for journeys built in Java: zone ids
 * that exist and a trait to wait on. A parsed journey has already been held to them.
 */
final class WaitChecks {

  private WaitChecks() {}

  static void journeyZone(Check check) {
    if (!isZone(check.journey.zone())) {
      check.error(
          check.at("zone"),
          "unknown time zone '" + check.journey.zone() + "'; name one such as Europe/Paris");
    }
  }

  static void wait(Check check, Action action, String path) {
    if (action.until() instanceof Wait.UntilTimeOfDay until
        && until.zone() != null
        && !until.zone().equals(QuietHours.CUSTOMER_ZONE)
        && !isZone(until.zone())) {
      check.error(
          check.at(path + "/zone"),
          "unknown time zone '" + until.zone() + "'; use 'customer' or an id such as Europe/Paris");
    }
    if (action.until() instanceof Wait.RelativeToTrait relative
        && (relative.trait() == null || relative.trait().isBlank())) {
      check.error(check.at(path + "/trait"), "name the trait holding the date to wait for");
    }
  }

  private static boolean isZone(String zone) {
    try {
      ZoneId.of(zone);
      return true;
    } catch (DateTimeException notAZone) {
      return false;
    }
  }
}
