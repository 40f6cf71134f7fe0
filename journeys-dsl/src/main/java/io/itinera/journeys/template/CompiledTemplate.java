package io.itinera.journeys.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.exceptions.ExceededMaxIterationsException;
import liqp.exceptions.VariableNotExistException;
import liqp.nodes.LNode;

/**
 * A parsed template, ready to render on any thread. Liqp's {@code Template} keeps the context of
 * its last rendering in a field, so one shared across threads could render with another customer's
 * variables; this keeps only the immutable node tree and gives each rendering its own context. Text
 * without tags or outputs is kept as it is and never goes through Liqp.
 */
public final class CompiledTemplate {

  private final String source;
  private final LNode root;
  private final Set<String> defaulted;
  private final TemplateParser parser;
  private final Sandbox sandbox;

  CompiledTemplate(
      String source, LNode root, Set<String> defaulted, TemplateParser parser, Sandbox sandbox) {
    this.source = source;
    this.root = root;
    this.defaulted = Set.copyOf(defaulted);
    this.parser = parser;
    this.sandbox = sandbox;
  }

  /** Text rendered as it is, without going through Liquid. */
  public static CompiledTemplate literal(String source) {
    return new CompiledTemplate(source, null, Set.of(), null, null);
  }

  public String source() {
    return source;
  }

  /** Whether this is plain text, which renders as itself whatever the variables. */
  public boolean isLiteral() {
    return root == null;
  }

  /** Renders with {@code variables} (maps, lists, strings, numbers, booleans only). */
  public Rendering render(Map<String, Object> variables) {
    if (root == null) {
      return new Rendering(source, List.of(), null);
    }
    TemplateContext context = new TemplateContext(parser, variables);
    sandbox.start();
    String text;
    try {
      text =
          String.valueOf(
              parser.getRenderTransformer().transformObject(context, root.render(context)));
    } catch (RuntimeException failed) {
      return new Rendering("", List.of(), reason(failed));
    }
    List<String> missing = null;
    for (Exception error : context.errors()) {
      if (error instanceof VariableNotExistException absent
          && !defaulted.contains(absent.getVariableName())) {
        if (missing == null) {
          missing = new ArrayList<>(2);
        }
        missing.add(absent.getVariableName());
      }
    }
    return new Rendering(text, missing == null ? List.of() : missing, null);
  }

  /** Liqp wraps what a tag or filter throws; a sandbox stop inside says what happened. */
  private String reason(RuntimeException failed) {
    Throwable cause = failed;
    while (cause != null) {
      if (cause instanceof Sandbox.Stopped stopped) {
        return stopped.getMessage();
      }
      if (cause instanceof ExceededMaxIterationsException) {
        return "over " + parser.getLimitMaxIterations() + " loop iterations";
      }
      if (cause.getCause() == null || cause.getCause() == cause) {
        return "rendering failed: " + cause.getMessage();
      }
      cause = cause.getCause();
    }
    return "rendering failed";
  }
}
