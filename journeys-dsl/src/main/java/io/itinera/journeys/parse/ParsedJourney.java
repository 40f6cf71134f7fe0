package io.itinera.journeys.parse;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.model.Journey;
import java.util.List;

/**
 * What the parser made of a file: the journey as far as it could be read (null if the file is not a
 * journey at all), where its parts were written, and the structural problems found.
 */
public record ParsedJourney(Journey journey, SourceMap sourceMap, List<Diagnostic> problems) {}
