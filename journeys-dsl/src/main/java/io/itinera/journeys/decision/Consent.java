package io.itinera.journeys.decision;

import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Consent per channel. Outbound messaging channels need an explicit opt-in; channels the customer
 * is using at the time (web, app, a support desk, a till) are allowed unless they opted out. A
 * customer states consent as a {@code consent} object of channel to boolean, in the traits of an
 * identify or in the properties of a {@value #CONSENT_EVENT} track.
 */
final class Consent {

  static final Set<String> OPT_IN_CHANNELS = Set.of("email", "sms", "push");
  static final String CONSENT_EVENT = "Consent Updated";

  private Consent() {}

  /** The consent a touchpoint states, by channel; empty when it states none. */
  static Map<String, Boolean> stated(Touchpoint touchpoint) {
    Object consent = null;
    if (touchpoint.type() == TouchpointType.IDENTIFY) {
      consent = touchpoint.traits().get("consent");
    } else if (touchpoint.type() == TouchpointType.TRACK
        && CONSENT_EVENT.equals(touchpoint.event())) {
      consent = touchpoint.properties().get("consent");
    }
    Map<String, Boolean> stated = new TreeMap<>();
    if (consent instanceof Map<?, ?> byChannel) {
      byChannel.forEach(
          (channel, granted) -> {
            if (channel instanceof String name && granted instanceof Boolean value) {
              stated.put(name, value);
            }
          });
    }
    return stated;
  }

  /** Why nothing may go to {@code channel}, or empty if it may. */
  static Optional<String> refusal(Map<String, Boolean> consent, String channel) {
    Boolean granted = consent.get(channel);
    if (Boolean.FALSE.equals(granted)) {
      return Optional.of("the customer opted out of " + channel);
    }
    if (granted == null && OPT_IN_CHANNELS.contains(channel)) {
      return Optional.of(channel + " needs the customer's opt-in, which they have not given");
    }
    return Optional.empty();
  }
}
