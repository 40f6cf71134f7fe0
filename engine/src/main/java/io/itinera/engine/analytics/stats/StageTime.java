package io.itinera.engine.analytics.stats;

/** How long customers stayed in a stage before leaving it; both null when nobody has left it. */
public record StageTime(Double medianSeconds, Double p90Seconds) {}
