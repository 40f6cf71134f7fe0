package io.itinera.journeys.validate;

import io.itinera.journeys.condition.ConditionCompiler.CelError;
import io.itinera.journeys.condition.ConditionCompiler.CelWarning;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Condition;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks on an action's {@code set}: trait names a journey may write, expressions that compile
 * to a value a trait can hold, and the parts of an action that mean nothing without a message.
 */
final class TraitSetChecks {

  /**
   * Traits only the customer states: {@code consent} is read from their own identify calls, and a
   * journey granting itself consent would defeat it.
   */
  static final List<String> RESERVED = List.of("consent");

  private static final Pattern NAME = Pattern.compile("[^\\s.]+");
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Check check;

  TraitSetChecks(Check check) {
    this.check = check;
  }

  /**
   * @param scope what the expressions may read: the touchpoint too when a touchpoint fires the
   *     action, only the customer for stage entry and timers
   */
  void action(Action action, String path, ConditionScope scope) {
    if (action.set().isEmpty()) {
      return;
    }
    if (action.channel() == null) {
      if (action.offer() != null) {
        check.error(
            check.at(path + "/offer"),
            "this action only sets traits and sends nothing, so it carries no offer; add channel,"
                + " type and template or remove 'offer'");
      }
      if (!action.params().isEmpty()) {
        check.error(
            check.at(path + "/params"),
            "this action only sets traits and sends nothing, so it has no template parameters;"
                + " add channel, type and template or remove 'params'");
      }
    }
    if (!action.delay().isZero() || action.until() != null) {
      check.error(
          check.at(path + (action.delay().isZero() ? "/until" : "/delay")),
          "'set' changes traits when the action is decided and cannot wait; put the change on an"
              + " action without a wait, or in the stage the wait leads to");
    }
    for (Map.Entry<String, Condition> set : action.set().entrySet()) {
      trait(set.getKey(), set.getValue(), path + "/set/" + set.getKey(), scope);
    }
  }

  private void trait(String name, Condition value, String path, ConditionScope scope) {
    if (name.isBlank()) {
      check.error(check.at(path), "a trait name is empty; name the trait to set");
      return;
    }
    if (RESERVED.contains(name)) {
      check.error(
          check.at(path),
          "'"
              + name
              + "' cannot be set by a journey: only the customer states consent, in their"
              + " identify calls");
      return;
    }
    if (!NAME.matcher(name).matches()) {
      check.error(
          check.at(path),
          "'"
              + name
              + "' is not a trait name a condition can read; use one without spaces or dots,"
              + " e.g. trial_nudged");
      return;
    }
    Compilation compilation = check.compileValue(value.source(), scope);
    if (compilation instanceof Compilation.Failed failed) {
      for (CelError cel : failed.errors()) {
        check.error(
            check.sourceMap.condition(path, cel.line(), cel.column()),
            "set " + name + ": " + explain(name, value.source(), cel.message()));
      }
      return;
    }
    Compilation.Compiled ok = (Compilation.Compiled) compilation;
    check.compiled.put(value.source(), ok.condition());
    for (CelWarning cel : ok.warnings()) {
      check.warning(
          check.sourceMap.condition(path, cel.line(), cel.column()),
          "set " + name + ": " + cel.message());
    }
  }

  /**
   * YAML drops the quotes of {@code plan: 'gold'}, and CEL then reads {@code gold} as a variable:
   * say what was meant rather than list the variables.
   */
  private static String explain(String name, String source, String message) {
    return WORD.matcher(source.strip()).matches() && message.contains("is not a variable")
        ? "'"
            + source.strip()
            + "' is not a variable; a text value needs CEL's quotes inside YAML's, e.g. "
            + name
            + ": \"'"
            + source.strip()
            + "'\""
        : message;
  }
}
