package io.itinera.journeys.bench;

import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.template.CompiledTemplate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering the running-shoes cart reminder's Liquid templates, parsed once at load as the engine
 * does (target: under 5 microseconds): its subject alone, and the whole action (the product param,
 * the subject and the two-line body) for a customer with a first name and a product in the cart.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TemplateBenchmark {

  private CompiledTemplate product;
  private CompiledTemplate subject;
  private CompiledTemplate body;
  private Map<String, Object> variables;

  @Setup
  public void load() {
    LoadResult result =
        new JourneyLoader().load(Path.of("../journeys/running-shoes.journey.yaml"));
    LoadedJourney loaded = result.loaded();
    Stage decision = loaded.journey().stage("decision").orElseThrow();
    Action reminder = decision.on().get(1).actions().get(0);
    product = loaded.template(reminder.params().get("product"));
    subject = loaded.template(reminder.content().subject());
    body = loaded.template(reminder.content().body());
    Map<String, Object> customer = new HashMap<>();
    customer.put("id", "runner-42");
    customer.put(
        "traits",
        Map.of("first_name", "Ada", "cart_product", "Pegasus 41", "timezone", "America/New_York"));
    customer.put("group", Map.of("traits", Map.of()));
    variables = new HashMap<>();
    variables.put("customer", customer);
    variables.put("journey", Map.of("name", "running-shoes", "version", 1));
    variables.put("stage", "decision");
    variables.put("arm", "treated");
    variables.put("entry", Map.of("data", Map.of()));
    String rendered = subject.render(variables).text();
    if (!rendered.equals("Ada, still thinking about Pegasus 41?")) {
      throw new IllegalStateException("the subject rendered as: " + rendered);
    }
  }

  @Benchmark
  public String subject() {
    return subject.render(variables).text();
  }

  @Benchmark
  public int wholeAction() {
    return product.render(variables).text().length()
        + subject.render(variables).text().length()
        + body.render(variables).text().length();
  }
}
