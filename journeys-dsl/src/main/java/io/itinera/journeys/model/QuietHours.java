package io.itinera.journeys.model;

import java.time.LocalTime;
import java.util.List;

/**
 * A daily window in which nothing is sent on some channels; actions due inside it are held until it
 * ends. The window may cross midnight ({@code from} after {@code to}).
 *
 * @param channels the channels it silences; empty for all
 * @param zone {@link #CUSTOMER_ZONE} for the customer's own time zone (their {@code timezone}
 *     trait, UTC when unknown), or a zone id such as {@code Europe/Paris}
 */
public record QuietHours(List<String> channels, LocalTime from, LocalTime to, String zone) {

  public static final String CUSTOMER_ZONE = "customer";

  public QuietHours {
    channels = List.copyOf(channels);
    zone = zone == null ? CUSTOMER_ZONE : zone;
  }
}
