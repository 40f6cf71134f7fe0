package io.itinera.journeys.template;

import java.util.List;

/**
 * What rendering one template came to.
 *
 * @param text the rendered text; empty when stopped
 * @param missing variables read but absent (rendered empty), in the order read
 * @param stopped why the sandbox stopped the rendering, or null when it completed
 */
public record Rendering(String text, List<String> missing, String stopped) {

  public boolean completed() {
    return stopped == null;
  }
}
