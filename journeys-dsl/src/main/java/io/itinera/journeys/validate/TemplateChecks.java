package io.itinera.journeys.validate;

import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap;
import io.itinera.journeys.template.TemplateCompiler;
import io.itinera.journeys.template.TemplateCompiler.Compilation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses every Liquid template of every action (params, content subject and body) at load, so a
 * syntax error is reported at its character in the file and a decision only renders. A place that
 * holds actions must be walked here, or its templates are parsed on first use instead.
 */
final class TemplateChecks {

  private final Check check;
  private final TemplateCompiler compiler;

  TemplateChecks(Check check, TemplateCompiler compiler) {
    this.check = check;
    this.compiler = compiler;
  }

  void templates() {
    for (Stage stage : check.journey.stages()) {
      String path = check.stagePath(stage);
      actions(stage.enter(), path + "/enter", false);
      branch(stage.branch(), path + "/branch", false);
      for (int i = 0; i < stage.on().size(); i++) {
        Trigger trigger = stage.on().get(i);
        String triggerPath = check.sourceMap.pathOf(trigger, SourceMap.trigger(stage.name(), i));
        boolean timer = trigger instanceof AbsenceTrigger;
        actions(trigger.actions(), triggerPath + "/do", timer);
        if (trigger instanceof AbsenceTrigger absence) {
          branch(absence.branch(), triggerPath + "/branch", true);
        }
        if (trigger.split() != null) {
          for (int a = 0; a < trigger.split().arms().size(); a++) {
            var arm = trigger.split().arms().get(a);
            String armPath = check.sourceMap.pathOf(arm, triggerPath + "/split/arms/" + a);
            actions(arm.actions(), armPath + "/do", timer);
          }
        }
      }
    }
  }

  /** A branch's arms' actions, parsed at deploy like every other action's templates. */
  private void branch(List<io.itinera.journeys.model.Branch> arms, String listPath, boolean timer) {
    for (int a = 0; a < arms.size(); a++) {
      String armPath = check.sourceMap.pathOf(arms.get(a), listPath + "/" + a);
      actions(arms.get(a).actions(), armPath + "/do", timer);
    }
  }

  /**
   * @param timer whether a timer decides these actions (an absence trigger's): no touchpoint, so
   *     {@code event} is absent and renders empty
   */
  private void actions(List<Action> actions, String listPath, boolean timer) {
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      String path = check.sourceMap.pathOf(action, listPath + "/" + i);
      if (timer && readsEvent(action)) {
        check.warning(
            check.at(path),
            "action '"
                + action.name()
                + "' is decided when a timer fires, with no touchpoint: its templates' event.*"
                + " renders empty; keep what it needs in a trait");
      }
      action
          .params()
          .forEach((key, text) -> template(text, path + "/params/" + key, "param " + key));
      if (action.content() != null) {
        template(action.content().subject(), path + "/content/subject", "subject");
        template(action.content().body(), path + "/content/body", "body");
      }
    }
  }

  private static boolean readsEvent(Action action) {
    List<String> sources = new ArrayList<>(action.params().values());
    if (action.content() != null) {
      sources.add(action.content().subject());
      sources.add(action.content().body());
    }
    return sources.stream().anyMatch(s -> s != null && EVENT.matcher(s).find());
  }

  private static final Pattern EVENT = Pattern.compile("\\{[{%][^}]*\\bevent\\.");

  private void template(String source, String path, String what) {
    if (source == null || check.templates.containsKey(source)) {
      return;
    }
    Compilation compilation = compiler.compile(source);
    if (compilation instanceof Compilation.Failed failed) {
      check.error(
          check.sourceMap.condition(path, failed.line(), failed.column()),
          "template error in " + what + ": " + failed.message());
      return;
    }
    check.templates.put(source, ((Compilation.Compiled) compilation).template());
  }
}
