package io.itinera.journeys.model;

/**
 * A CEL expression over {@code event} and {@code customer}, kept as its source text so the model
 * stays plain data. It is compiled once at load into a {@code CompiledCondition} held beside the
 * model (see {@code io.itinera.journeys.condition}).
 */
public record Condition(String source) {

  public static Condition of(String source) {
    return source == null ? null : new Condition(source);
  }
}
