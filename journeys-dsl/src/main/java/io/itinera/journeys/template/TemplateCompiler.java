package io.itinera.journeys.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liqp.Template;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;
import liqp.filters.Filter;
import liqp.nodes.LNode;
import liqp.org.antlr.v4.runtime.ParserRuleContext;
import liqp.org.antlr.v4.runtime.tree.ParseTree;
import liqp.parser.Flavor;
import liqp.parser.v4.NodeVisitor;
import liquid.parser.v4.LiquidParser;

/**
 * Parses the Liquid templates of action params and content, once, when a journey is loaded: a
 * syntax error is a designer's mistake to report with its place, and a decision only renders. One
 * compiler is meant to be kept: building Liqp's parser registers every tag and filter.
 */
public final class TemplateCompiler {

  private static final Pattern FILTER_ERROR =
      Pattern.compile("error on line (\\d+), index (\\d+): (.*)");
  private static final Pattern POSITION_SUFFIX = Pattern.compile(" on line \\d+, index \\d+$");

  private final TemplateParser parsing;
  private final TemplateParser rendering;
  private final Sandbox sandbox;

  public TemplateCompiler() {
    this(TemplateLimits.DEFAULT);
  }

  public TemplateCompiler(TemplateLimits limits) {
    sandbox = new Sandbox(limits);
    ObjectMapper mapper = new ObjectMapper();
    // Parsed strictly (an unknown tag is an error at deploy); rendered leniently (a missing
    // variable renders empty and is reported, not thrown).
    parsing = builder(limits, mapper).withErrorMode(TemplateParser.ErrorMode.STRICT).build();
    rendering = builder(limits, mapper).withErrorMode(TemplateParser.ErrorMode.WARN).build();
  }

  private TemplateParser.Builder builder(TemplateLimits limits, ObjectMapper mapper) {
    TemplateParser.Builder builder =
        new TemplateParser.Builder()
            .withFlavor(Flavor.LIQUID)
            .withObjectMapper(mapper)
            .withStrictVariables(true)
            .withMaxIterations(limits.maxIterations())
            .withMaxSizeRenderedString(limits.maxOutputChars())
            .withRenderTransformer(sandbox)
            .withLocale(Locale.ROOT)
            .withDefaultTimeZone(ZoneOffset.UTC)
            .withTag(Sandbox.noInclude("include"))
            .withTag(Sandbox.noInclude("include_relative"));
    for (Filter filter : sandbox.guardedFilters()) {
      builder.withFilter(filter);
    }
    return builder;
  }

  /** The outcome of compiling one template. */
  public sealed interface Compilation {

    record Compiled(CompiledTemplate template) implements Compilation {}

    /**
     * @param line 1-based line within the template
     * @param column 0-based column within that line
     */
    record Failed(int line, int column, String message) implements Compilation {}
  }

  public Compilation compile(String source) {
    if (!source.contains("{{") && !source.contains("{%")) {
      return new Compilation.Compiled(CompiledTemplate.literal(source));
    }
    ParseTree tree;
    try {
      Template template = parsing.parse(source);
      tree = template.getParseTree();
    } catch (LiquidException e) {
      String message = POSITION_SUFFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
      if (message.contains("<EOF>")) {
        message += "; is a tag left open (endif, endfor, endcase...)?";
      }
      return new Compilation.Failed(
          Math.max(e.line, 1), Math.max(e.charPositionInLine, 0), message);
    } catch (RuntimeException e) {
      return new Compilation.Failed(1, 0, String.valueOf(e.getMessage()));
    }
    ParserRuleContext include = find(tree);
    if (include != null) {
      return new Compilation.Failed(
          include.getStart().getLine(),
          include.getStart().getCharPositionInLine(),
          "include is not allowed in journey templates: a template reads no file");
    }
    LNode root;
    try {
      root =
          new NodeVisitor(rendering.insertions, rendering.filters, rendering.liquidStyleInclude)
              .visit(tree);
    } catch (RuntimeException e) {
      Matcher located = FILTER_ERROR.matcher(String.valueOf(e.getMessage()));
      if (located.matches()) {
        return new Compilation.Failed(
            Integer.parseInt(located.group(1)),
            column(source, Integer.parseInt(located.group(1)), located.group(2)),
            located.group(3).replace("named: |", "named: "));
      }
      return new Compilation.Failed(1, 0, String.valueOf(e.getMessage()));
    }
    Set<String> defaulted = new HashSet<>();
    collectDefaulted(tree, defaulted);
    CompiledTemplate compiled = new CompiledTemplate(source, root, defaulted, rendering, sandbox);
    // Once with nothing, at load: the first rendering loads Liqp's classes, which would otherwise
    // count against the time limit of a customer's decision.
    compiled.render(Map.of());
    return new Compilation.Compiled(compiled);
  }

  /** Liqp names a filter's place by its index in the whole text; the column within its line. */
  private static int column(String source, int line, String index) {
    int at = Integer.parseInt(index);
    int lineStart = 0;
    for (int i = 1; i < line; i++) {
      int next = source.indexOf('\n', lineStart);
      if (next < 0) {
        break;
      }
      lineStart = next + 1;
    }
    return Math.max(0, at - lineStart);
  }

  private static ParserRuleContext find(ParseTree tree) {
    if (tree instanceof LiquidParser.Include_tagContext
        || tree instanceof LiquidParser.Include_relative_tagContext) {
      return (ParserRuleContext) tree;
    }
    for (int i = 0; i < tree.getChildCount(); i++) {
      ParserRuleContext found = find(tree.getChild(i));
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * The variables an output passes to a {@code default} filter: {@code {{ customer.traits.name |
   * default: "there" }}} handles its absence, so it is not reported missing.
   */
  private static void collectDefaulted(ParseTree tree, Set<String> defaulted) {
    if (tree instanceof LiquidParser.OutputContext output && output.term() != null) {
      for (LiquidParser.FilterContext filter : output.filter()) {
        if ("default".equals(filter.Id().getText())) {
          defaulted.add(output.term().getText());
        }
      }
    }
    for (int i = 0; i < tree.getChildCount(); i++) {
      collectDefaulted(tree.getChild(i), defaulted);
    }
  }
}
