package io.itinera.journeys.condition;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationResult;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelCall;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.types.CelKind;
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
import io.itinera.journeys.diagnostic.Suggestions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL environment of journey conditions. Variables are declared with dotted names ({@code
 * event.name}, {@code customer.traits}...) rather than as two maps so the checker rejects a
 * misspelt field at load time instead of the condition silently failing at run time.
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
          "customer.traits",
          MapType.create(SimpleType.STRING, SimpleType.DYN),
          "customer.stage",
          SimpleType.STRING,
          "customer.counters",
          MapType.create(SimpleType.STRING, SimpleType.INT),
          "customer.group.id",
          SimpleType.STRING,
          "customer.group.traits",
          MapType.create(SimpleType.STRING, SimpleType.DYN),
          "customer.groups",
          MapType.create(SimpleType.STRING, MapType.create(SimpleType.STRING, SimpleType.DYN)));

  /** What a journey entered through the entries API was given; empty otherwise. */
  static final Map<String, CelType> ENTRY_VARIABLES =
      Map.of("entry.data", MapType.create(SimpleType.STRING, SimpleType.DYN));

  /** What a run over the customer index adds for an entry segment. */
  static final Map<String, CelType> SEGMENT_VARIABLES =
      Map.of("customer.lastSeen", SimpleType.TIMESTAMP, "now", SimpleType.TIMESTAMP);

  private static final String CUSTOMER_NAMES =
      "customer.traits, customer.stage, customer.counters, customer.group.id,"
          + " customer.group.traits, customer.groups and entry.data";
  private static final String EVENT_HINT =
      "conditions can use event.name, event.channel, event.properties, event.timestamp, "
          + CUSTOMER_NAMES;
  private static final String CUSTOMER_HINT =
      "without a touchpoint a condition can only use " + CUSTOMER_NAMES;
  private static final String SEGMENT_HINT =
      "an entry segment can use customer.traits, customer.counters, customer.lastSeen and now";
  private static final Pattern ANTLR_EXPECTING = Pattern.compile(" expecting .*$");
  private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: .*$");
  private static final Pattern DOTTED_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private static final String TRAITS = "customer.traits";

  private final CelCompiler withEvent =
      compiler(ConditionScope.EVENT_AND_CUSTOMER, SimpleType.BOOL);
  private final CelCompiler customerOnly = compiler(ConditionScope.CUSTOMER_ONLY, SimpleType.BOOL);
  private final CelCompiler segment = compiler(ConditionScope.SEGMENT, SimpleType.BOOL);

  /** Compilers of trait values ({@code set}), built when a journey first has one. */
  private CelCompiler valueWithEvent;

  private CelCompiler valueCustomerOnly;

  /**
   * CEL's planner runtime: it resolves variables and overloads once, when the program is planned,
   * where the standard (legacy) runtime looks them up and allocates about 2 KB on every evaluation
   * (docs/benchmarks.md, "Journey DSL"). The compilers keep their options, so which conditions
   * type-check does not change. One difference in results, a fix: the planner converts a value read
   * from a map to its CEL type, so a JSON integer (a Java {@code Integer}) compares with an int
   * literal, where the standard runtime found no overload and the condition was false. Maps reach
   * it as {@link CelMapView}s (see there why).
   */
  private final CelRuntime runtime;

  private final ConditionLimits limits;

  public ConditionCompiler() {
    this(ConditionLimits.DEFAULT);
  }

  /**
   * A compiler whose programs stop at {@code limits}' iteration limit, when folded at deploy and
   * when evaluated per touchpoint alike.
   */
  public ConditionCompiler(ConditionLimits limits) {
    this.limits = limits;
    this.runtime =
        CelRuntimeFactory.plannerRuntimeBuilder()
            .setOptions(
                // The planner's own defaults, plus the limit.
                CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .comprehensionMaxIterations(limits.maxIterations())
                    .build())
            .build();
  }

  private static CelCompiler compiler(ConditionScope scope, CelType resultType) {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(resultType);
    CUSTOMER_VARIABLES.forEach(builder::addVar);
    if (scope == ConditionScope.EVENT_AND_CUSTOMER) {
      EVENT_VARIABLES.forEach(builder::addVar);
    }
    if (scope == ConditionScope.SEGMENT) {
      SEGMENT_VARIABLES.forEach(builder::addVar);
    } else {
      ENTRY_VARIABLES.forEach(builder::addVar);
    }
    return builder.build();
  }

  /** Parses, type-checks and folds; never throws for a bad expression. */
  public Compilation compile(String source, ConditionScope scope) {
    return compile(source, scope, true);
  }

  /**
   * Parses and type-checks, and with {@code fold} evaluates a condition that reads no variable to
   * find its constant value, within the limits: a condition that exceeds them fails to compile.
   */
  public Compilation compile(String source, ConditionScope scope, boolean fold) {
    return compile(
        source,
        scope,
        fold,
        (switch (scope) {
              case EVENT_AND_CUSTOMER -> withEvent;
              case CUSTOMER_ONLY -> customerOnly;
              case SEGMENT -> segment;
            })
            .compile(source));
  }

  /**
   * Compiles an expression whose value is stored as a trait ({@code set}): a string, a number, a
   * bool or null. Anything statically of another type (a list, a map, a timestamp) is refused here;
   * a {@code dyn} value is checked when evaluated. Held to the same limits as conditions.
   */
  public synchronized Compilation compileValue(String source, ConditionScope scope, boolean fold) {
    if (valueWithEvent == null) {
      valueWithEvent = compiler(ConditionScope.EVENT_AND_CUSTOMER, SimpleType.DYN);
      valueCustomerOnly = compiler(ConditionScope.CUSTOMER_ONLY, SimpleType.DYN);
    }
    CelValidationResult result =
        (scope == ConditionScope.EVENT_AND_CUSTOMER ? valueWithEvent : valueCustomerOnly)
            .compile(source);
    if (!result.hasError()) {
      try {
        CelType type = result.getAst().getResultType();
        if (!TRAIT_VALUE_KINDS.contains(type.kind())) {
          return new Compilation.Failed(
              List.of(
                  new CelError(
                      1,
                      0,
                      "this gives a "
                          + type.name()
                          + ", but a trait is set to a string, a number, a bool or null;"
                          + " e.g. 'gold', 3, true")),
              false);
        }
      } catch (dev.cel.common.CelValidationException unexpected) {
        return new Compilation.Failed(List.of(new CelError(1, 0, unexpected.getMessage())), false);
      }
    }
    return compile(source, scope, fold, result);
  }

  private static final Set<CelKind> TRAIT_VALUE_KINDS =
      Set.of(
          CelKind.STRING,
          CelKind.INT,
          CelKind.UINT,
          CelKind.DOUBLE,
          CelKind.BOOL,
          CelKind.NULL_TYPE,
          CelKind.DYN,
          CelKind.ANY);

  private Compilation compile(
      String source, ConditionScope scope, boolean fold, CelValidationResult result) {
    if (result.hasError()) {
      List<CelError> errors = new ArrayList<>();
      for (CelIssue issue : result.getErrors()) {
        errors.add(
            new CelError(
                Math.max(1, issue.getSourceLocation().getLine()),
                Math.max(0, issue.getSourceLocation().getColumn()),
                explain(issue.getMessage(), source, issue.getSourceLocation(), scope)));
      }
      return new Compilation.Failed(errors, false);
    }
    try {
      CompiledCondition compiled =
          new CompiledCondition(
              source,
              runtime.createProgram(result.getAst()),
              limits,
              hasLoop(result.getAst().getExpr()));
      List<CelWarning> warnings = traitsReadWithoutHas(result.getAst());
      return fold ? folded(compiled, warnings) : new Compilation.Compiled(compiled, null, warnings);
    } catch (dev.cel.common.CelValidationException | CelEvaluationException unexpected) {
      return new Compilation.Failed(List.of(new CelError(1, 0, unexpected.getMessage())), false);
    }
  }

  /** The condition with its constant value if it has one, or failed if folding exceeded limits. */
  private Compilation folded(CompiledCondition compiled, List<CelWarning> warnings) {
    ConstantFolder.Folded folded =
        ConstantFolder.fold(compiled.program(), compiled.loops(), limits.foldTimeout());
    if (folded instanceof ConstantFolder.Folded.Constant constant) {
      return new Compilation.Compiled(compiled, constant.value(), warnings);
    }
    if (folded instanceof ConstantFolder.Folded.OverLimit) {
      return overLimit(
          "the condition takes more than "
              + limits.maxIterations()
              + " loop iterations (all, exists, exists_one, map, filter) in one evaluation,"
              + " the limit; loop over less");
    }
    if (folded instanceof ConstantFolder.Folded.TimedOut) {
      return overLimit(
          "the condition took longer than "
              + limits.foldTimeout().toMillis()
              + " ms to evaluate, the limit; simplify it");
    }
    return new Compilation.Compiled(compiled, null, warnings);
  }

  /** Whether {@code expr} has a comprehension (a macro such as {@code all} or {@code map}). */
  private static boolean hasLoop(CelExpr expr) {
    return switch (expr.getKind()) {
      case COMPREHENSION -> true;
      case SELECT -> hasLoop(expr.select().operand());
      case CALL ->
          expr.call().target().map(ConditionCompiler::hasLoop).orElse(false)
              || expr.call().args().stream().anyMatch(ConditionCompiler::hasLoop);
      case LIST -> expr.list().elements().stream().anyMatch(ConditionCompiler::hasLoop);
      case MAP ->
          expr.map().entries().stream()
              .anyMatch(entry -> hasLoop(entry.key()) || hasLoop(entry.value()));
      case STRUCT -> expr.struct().entries().stream().anyMatch(entry -> hasLoop(entry.value()));
      default -> false;
    };
  }

  private static Compilation overLimit(String message) {
    return new Compilation.Failed(List.of(new CelError(1, 0, message)), true);
  }

  /**
   * One warning per trait read ({@code customer.traits.tier}, {@code customer.traits['tier']}) that
   * no earlier {@code has(customer.traits.tier)} or {@code 'tier' in customer.traits} guards. For a
   * customer without the trait such a read fails the evaluation: the condition is then false, as
   * the designer probably meant, but through a CEL error, which costs tens of times a whole
   * evaluation. A guard counts when CEL evaluates it first and the read only runs when it held: the
   * left side of {@code &&}, the negated left side of {@code ||}, the condition of {@code ?:}.
   */
  private static List<CelWarning> traitsReadWithoutHas(CelAbstractSyntaxTree ast) {
    Map<String, CelExpr> unguarded = new LinkedHashMap<>();
    collectUnguardedTraitReads(ast.getExpr(), Set.of(), unguarded);
    List<CelWarning> warnings = new ArrayList<>();
    unguarded.forEach(
        (trait, read) -> {
          CelSourceLocation at =
              Optional.ofNullable(ast.getSource().getPositionsMap().get(read.id()))
                  .flatMap(offset -> ast.getSource().getOffsetLocation(offset))
                  .orElse(CelSourceLocation.NONE);
          warnings.add(
              new CelWarning(
                  Math.max(1, at.getLine()),
                  Math.max(0, at.getColumn()),
                  "'"
                      + TRAITS
                      + "."
                      + trait
                      + "' is read without has(): for customers without that trait the condition"
                      + " fails with an error, which counts as false but is slow; write 'has("
                      + TRAITS
                      + "."
                      + trait
                      + ") && ...'"));
        });
    return List.copyOf(warnings);
  }

  private static void collectUnguardedTraitReads(
      CelExpr expr, Set<String> present, Map<String, CelExpr> unguarded) {
    switch (expr.getKind()) {
      case SELECT -> {
        CelExpr.CelSelect select = expr.select();
        if (!select.testOnly() && isTraits(select.operand()) && !present.contains(select.field())) {
          unguarded.putIfAbsent(select.field(), expr);
        }
        collectUnguardedTraitReads(select.operand(), present, unguarded);
      }
      case CALL -> collectUnguardedInCall(expr, present, unguarded);
      case LIST ->
          expr.list().elements().forEach(e -> collectUnguardedTraitReads(e, present, unguarded));
      case MAP ->
          expr.map()
              .entries()
              .forEach(
                  entry -> {
                    collectUnguardedTraitReads(entry.key(), present, unguarded);
                    collectUnguardedTraitReads(entry.value(), present, unguarded);
                  });
      case STRUCT ->
          expr.struct()
              .entries()
              .forEach(entry -> collectUnguardedTraitReads(entry.value(), present, unguarded));
      case COMPREHENSION -> {
        CelComprehension loop = expr.comprehension();
        for (CelExpr part :
            List.of(
                loop.iterRange(),
                loop.accuInit(),
                loop.loopCondition(),
                loop.loopStep(),
                loop.result())) {
          collectUnguardedTraitReads(part, present, unguarded);
        }
      }
      default -> {}
    }
  }

  /** In {@code a && b}, {@code a || b} and {@code a ? b : c}, {@code a} can guard the rest. */
  private static void collectUnguardedInCall(
      CelExpr expr, Set<String> present, Map<String, CelExpr> unguarded) {
    CelCall call = expr.call();
    List<CelExpr> args = call.args();
    String function = call.function();
    if (function.equals(Operator.LOGICAL_AND.getFunction()) && args.size() == 2) {
      collectUnguardedTraitReads(args.get(0), present, unguarded);
      collectUnguardedTraitReads(
          args.get(1), union(present, presentWhen(args.get(0), true)), unguarded);
    } else if (function.equals(Operator.LOGICAL_OR.getFunction()) && args.size() == 2) {
      collectUnguardedTraitReads(args.get(0), present, unguarded);
      collectUnguardedTraitReads(
          args.get(1), union(present, presentWhen(args.get(0), false)), unguarded);
    } else if (function.equals(Operator.CONDITIONAL.getFunction()) && args.size() == 3) {
      collectUnguardedTraitReads(args.get(0), present, unguarded);
      collectUnguardedTraitReads(
          args.get(1), union(present, presentWhen(args.get(0), true)), unguarded);
      collectUnguardedTraitReads(
          args.get(2), union(present, presentWhen(args.get(0), false)), unguarded);
    } else {
      if (function.equals(Operator.INDEX.getFunction())
          && args.size() == 2
          && isTraits(args.get(0))
          && stringConstant(args.get(1)).filter(key -> !present.contains(key)).isPresent()) {
        unguarded.putIfAbsent(stringConstant(args.get(1)).get(), expr);
      }
      call.target().ifPresent(target -> collectUnguardedTraitReads(target, present, unguarded));
      args.forEach(arg -> collectUnguardedTraitReads(arg, present, unguarded));
    }
  }

  /** The traits known to be present when {@code expr} evaluated to {@code outcome}. */
  private static Set<String> presentWhen(CelExpr expr, boolean outcome) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      CelExpr.CelSelect select = expr.select();
      return outcome && select.testOnly() && isTraits(select.operand())
          ? Set.of(select.field())
          : Set.of();
    }
    if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
      return Set.of();
    }
    CelCall call = expr.call();
    List<CelExpr> args = call.args();
    String function = call.function();
    if (function.equals(Operator.LOGICAL_NOT.getFunction()) && args.size() == 1) {
      return presentWhen(args.get(0), !outcome);
    }
    if (function.equals(Operator.LOGICAL_AND.getFunction()) && args.size() == 2 && outcome) {
      return union(presentWhen(args.get(0), true), presentWhen(args.get(1), true));
    }
    if (function.equals(Operator.LOGICAL_OR.getFunction()) && args.size() == 2 && !outcome) {
      return union(presentWhen(args.get(0), false), presentWhen(args.get(1), false));
    }
    if (function.equals(Operator.IN.getFunction())
        && args.size() == 2
        && outcome
        && isTraits(args.get(1))) {
      return stringConstant(args.get(0)).map(Set::of).orElse(Set.of());
    }
    return Set.of();
  }

  private static boolean isTraits(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(TRAITS);
  }

  private static Optional<String> stringConstant(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE
        ? Optional.of(expr.constant().stringValue())
        : Optional.empty();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    Set<String> both = new HashSet<>(a);
    both.addAll(b);
    return both;
  }

  /** Turns CEL's parser jargon into a sentence a designer can act on. */
  private static String explain(
      String celMessage, String source, CelSourceLocation at, ConditionScope scope) {
    String message = celMessage.replace(" (in container '')", "");
    if (message.startsWith("undeclared reference")) {
      String variables =
          switch (scope) {
            case EVENT_AND_CUSTOMER -> EVENT_HINT;
            case CUSTOMER_ONLY -> CUSTOMER_HINT;
            case SEGMENT -> SEGMENT_HINT;
          };
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
      return ANTLR_EXPECTING
              .matcher(message)
              .replaceAll("")
              .replaceFirst("^\\w+ input", "unexpected")
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
    declared.addAll(
        (scope == ConditionScope.SEGMENT ? SEGMENT_VARIABLES : ENTRY_VARIABLES).keySet());
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
     * @param warnings what compiles but is likely a mistake: trait reads without {@code has()}
     */
    record Compiled(CompiledCondition condition, Boolean constant, List<CelWarning> warnings)
        implements Compilation {}

    /**
     * @param overLimit whether it failed by exceeding the {@link ConditionLimits} when folded
     */
    record Failed(List<CelError> errors, boolean overLimit) implements Compilation {}
  }

  /** A CEL error at a 1-based line and 0-based column of the expression, as CEL counts. */
  public record CelError(int line, int column, String message) {}

  /** A warning about a condition that compiles, located like {@link CelError}. */
  public record CelWarning(int line, int column, String message) {}
}
