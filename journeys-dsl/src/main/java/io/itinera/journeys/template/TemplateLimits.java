package io.itinera.journeys.template;

import java.time.Duration;

/**
 * How far one rendering may go before the sandbox stops it. A template is written by a journey
 * designer and runs on every decision that sends its action, so a loop over a huge range or a
 * string doubled in a loop must stop rather than hold the customer's entity.
 *
 * @param maxIterations loop iterations over the whole rendering, nested loops counted together
 * @param maxOutputChars characters of rendered text, and of any string a filter builds on the way
 * @param maxRenderTime wall time of one rendering, checked as text is appended and filters run;
 *     generous, since a garbage-collection pause or a cold start counts too, and a rendering
 *     stopped by time suppresses the action: the loop and size limits stop a runaway template first
 */
public record TemplateLimits(int maxIterations, int maxOutputChars, Duration maxRenderTime) {

  public static final TemplateLimits DEFAULT =
      new TemplateLimits(1_000, 16_384, Duration.ofMillis(200));
}
