package io.itinera.journeys.template;

import java.util.ArrayList;
import java.util.List;
import liqp.RenderTransformer;
import liqp.TemplateContext;
import liqp.filters.Filter;
import liqp.filters.Filters;
import liqp.nodes.LNode;
import liqp.tags.Tag;

/**
 * What keeps a rendering within {@link TemplateLimits}. Liqp's own time limit runs each rendering
 * on a new thread and leaves a runaway one running, so time is checked here instead, on the
 * rendering thread: each time text is appended and each time a filter runs, which is all a loop can
 * do. Strings a filter builds ({@code append} in a loop doubles one) are held to the output size
 * too, before they can fill the heap. No {@code include}: a template reads no file.
 */
final class Sandbox implements RenderTransformer {

  /** When the rendering on this thread must stop, in {@link System#nanoTime()}. */
  private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

  private final TemplateLimits limits;

  Sandbox(TemplateLimits limits) {
    this.limits = limits;
  }

  /** Starts the clock of a rendering on this thread. */
  void start() {
    DEADLINE.get()[0] = System.nanoTime() + limits.maxRenderTime().toNanos();
  }

  /** A rendering that went past a limit. */
  static final class Stopped extends RuntimeException {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  private void check(CharSequence text) {
    if (text != null && text.length() > limits.maxOutputChars()) {
      throw new Stopped("rendered text over " + limits.maxOutputChars() + " characters");
    }
    if (System.nanoTime() - DEADLINE.get()[0] > 0) {
      throw new Stopped("rendering took over " + limits.maxRenderTime().toMillis() + " ms");
    }
  }

  @Override
  public ObjectAppender.Controller newObjectAppender(TemplateContext context, int appends) {
    StringBuilder text = new StringBuilder();
    return new ObjectAppender.Controller() {
      @Override
      public Object getResult() {
        return text.toString();
      }

      @Override
      public void append(Object obj) {
        text.append(obj instanceof CharSequence chars ? chars : String.valueOf(obj));
        check(text);
      }
    };
  }

  @Override
  public Object transformObject(TemplateContext context, Object obj) {
    return String.valueOf(obj);
  }

  /** Liquid's standard filters, each checking what it built and the clock. */
  List<Filter> guardedFilters() {
    List<Filter> guarded = new ArrayList<>();
    for (Filter standard : Filters.DEFAULT_FILTERS.getMap().values()) {
      guarded.add(
          new Filter(standard.name) {
            @Override
            public Object apply(Object value, TemplateContext context, Object... params) {
              Object result = standard.apply(value, context, params);
              check(result instanceof CharSequence chars ? chars : null);
              return result;
            }
          });
    }
    return guarded;
  }

  /** Replaces the standard {@code include}, which reads files; the compiler refuses it anyway. */
  static Tag noInclude(String name) {
    return new Tag(name) {
      @Override
      public Object render(TemplateContext context, LNode... nodes) {
        throw new Stopped(name + " is not allowed in journey templates");
      }
    };
  }
}
