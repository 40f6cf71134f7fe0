package io.itinera.journeys.condition;

import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import io.itinera.journeys.problem.Suggestions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL environment of journey conditions. Variables are declared with dotted names ({@code
 * event.name}, {@code customer.traits}...) rather than as two maps so the checker rejects a misspelt
 * field at load time instead of the condition silently failing at run time.
 */
public final class ConditionCompiler {

  static final Map<String, CelType> EVENT_VARIABLES =
      Map.of(
          "event.name", SimpleType.STRING,
          "event.channel", SimpleType.STRING,
          "event.properties", MapType.create(SimpleType.STRING, SimpleType.DYN),
          "event.timestamp", SimpleType.TIMESTAMP);

  static final Map<String, CelType> CUSTOMER_VARIABLES =
      Map.of(
          "customer.traits", MapType.create(SimpleType.STRING, SimpleType.DYN),
          "customer.stage", SimpleType.STRING,
          "customer.counters", MapType.create(SimpleType.STRING, SimpleType.INT));

  private static final String EVENT_HINT =
      "conditions can use event.name, event.channel, event.properties, event.timestamp,"
          + " customer.traits, customer.stage and customer.counters";
  private static final String CUSTOMER_HINT =
      "an entry without a touchpoint can only use customer.traits, customer.stage and"
          + " customer.counters";
  private static final Pattern ANTLR_EXPECTING = Pattern.compile(" expecting .*$");
  private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: .*$");
  private static final Pattern DOTTED_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final CelCompiler withEvent = compiler(true);
  private final CelCompiler customerOnly = compiler(false);
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private static CelCompiler compiler(boolean withEvent) {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(SimpleType.BOOL);
    CUSTOMER_VARIABLES.forEach(builder::addVar);
    if (withEvent) {
      EVENT_VARIABLES.forEach(builder::addVar);
    }
    return builder.build();
  }

  /** Parses and type-checks; never throws for a bad expression. */
  public Compilation compile(String source, ConditionScope scope) {
    CelValidationResult result =
        (scope == ConditionScope.EVENT_AND_CUSTOMER ? withEvent : customerOnly).compile(source);
    if (result.hasError()) {
      List<CelError> errors = new ArrayList<>();
      for (CelIssue issue : result.getErrors()) {
        errors.add(
            new CelError(
                Math.max(1, issue.getSourceLocation().getLine()),
                Math.max(0, issue.getSourceLocation().getColumn()),
                explain(issue.getMessage(), source, issue.getSourceLocation(), scope)));
      }
      return new Compilation.Failed(errors);
    }
    try {
      CompiledCondition compiled =
          new CompiledCondition(source, runtime.createProgram(result.getAst()));
      return new Compilation.Compiled(compiled, compiled.constantValue().orElse(null));
    } catch (dev.cel.common.CelValidationException | CelEvaluationException unexpected) {
      return new Compilation.Failed(List.of(new CelError(1, 0, unexpected.getMessage())));
    }
  }

  /** Turns CEL's parser jargon into a sentence a designer can act on. */
  private static String explain(
      String celMessage, String source, CelSourceLocation at, ConditionScope scope) {
    String message = celMessage.replace(" (in container '')", "");
    if (message.startsWith("undeclared reference")) {
      String variables = scope == ConditionScope.EVENT_AND_CUSTOMER ? EVENT_HINT : CUSTOMER_HINT;
      return unknownVariable(source, at, scope, variables).orElse(message + "; " + variables);
    }
    if (message.startsWith("found no matching overload")) {
      return CANDIDATES.matcher(message).replaceAll("")
          + "; compare values of the same type, e.g. a number with a number";
    }
    if (message.startsWith("mismatched input '<EOF>'")) {
      return "the condition ends too early; complete the expression";
    }
    if (message.startsWith("mismatched input") || message.startsWith("extraneous input")) {
      return ANTLR_EXPECTING.matcher(message).replaceAll("").replaceFirst("^\\w+ input", "unexpected")
          + "; check the operators and quotes around it";
    }
    if (message.startsWith("expected type 'bool'")) {
      return message + "; a condition must be true or false, e.g. compare with ==";
    }
    return message;
  }

  /**
   * CEL reports {@code event.nmae} as an undeclared {@code event}; name the whole misspelt variable
   * and the closest declared one instead.
   */
  private static Optional<String> unknownVariable(
      String source, CelSourceLocation at, ConditionScope scope, String variables) {
    String[] lines = source.split("\n", -1);
    if (at.getLine() < 1 || at.getLine() > lines.length) {
      return Optional.empty();
    }
    Matcher name = DOTTED_NAME.matcher(lines[at.getLine() - 1]);
    if (at.getColumn() < 0 || !name.find(at.getColumn()) || name.start() != at.getColumn()) {
      return Optional.empty();
    }
    Set<String> declared = new TreeSet<>(CUSTOMER_VARIABLES.keySet());
    if (scope == ConditionScope.EVENT_AND_CUSTOMER) {
      declared.addAll(EVENT_VARIABLES.keySet());
    }
    String hint =
        Suggestions.closest(name.group(), declared)
            .map(known -> "did you mean '" + known + "'?")
            .orElse(variables);
    return Optional.of("'" + name.group() + "' is not a variable; " + hint);
  }

  /** The outcome of compiling one condition. */
  public sealed interface Compilation {

    /**
     * @param constant the value when it depends on no variable ({@code false} can never hold), or
     *     null
     */
    record Compiled(CompiledCondition condition, Boolean constant) implements Compilation {}

    record Failed(List<CelError> errors) implements Compilation {}
  }

  /** A CEL error at a 1-based line and 0-based column of the expression, as CEL counts. */
  public record CelError(int line, int column, String message) {}
}
