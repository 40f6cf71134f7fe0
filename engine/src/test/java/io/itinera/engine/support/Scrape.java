package io.itinera.engine.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a node's {@code GET /metrics}, read as the Prometheus text format. */
public final class Scrape {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: a series' name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final String contentType;
  private final String text;
  private final List<Sample> samples;

  private Scrape(String contentType, String text) {
    this.contentType = contentType;
    this.text = text;
    this.samples = parse(text);
  }

  public static Scrape of(int managementPort) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET /metrics: " + response.statusCode() + " " + response.body());
      }
      return new Scrape(response.headers().firstValue("Content-Type").orElse(""), response.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET /metrics failed: " + e, e);
    }
  }

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) {
        throw new AssertionError("Not a Prometheus sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return samples;
  }

  public String contentType() {
    return contentType;
  }

  public String text() {
    return text;
  }

  /**
   * The sum of the samples named {@code name} whose labels include {@code labels} (given as name,
   * value pairs); 0 when there is none, as for a counter never incremented.
   */
  public double value(String name, String... labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether any sample is named {@code name} (with these labels). */
  public boolean has(String name, String... labels) {
    return !matching(name, labels).isEmpty();
  }

  public List<Sample> matching(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample sample : samples) {
      if (!sample.name().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
          all = false;
          break;
        }
      }
      if (all) {
        found.add(sample);
      }
    }
    return found;
  }
}
