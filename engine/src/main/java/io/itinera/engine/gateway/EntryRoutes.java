package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.engine.customer.CustomerCommand.EntryOutcome;
import io.itinera.engine.customer.Customers;
import io.itinera.engine.entry.EntryRunLog;
import io.itinera.engine.entry.EntryRuns.Run;
import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.protocol.touchpoint.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry without a touchpoint over HTTP. {@code GET /v1/journeys/{name}/runs} (read scope) shows the
 * runs of a segment entry as they go. {@code POST /v1/journeys/{name}/entries} (admin scope) enters
 * a list of customers now, each with optional data, and answers per customer what their entity
 * decided. It is admin, not ingest: the ingest key is public (it ships in browsers and apps), and
 * entering any customer id into any journey would let anyone who reads a web page send messages to
 * other people; a back office entering customers holds the admin key, as Braze's REST key.
 */
record EntryRoutes(
    Customers customers, JourneyRegistry registry, EntryRunLog runLog, Access access) {

  private static final Logger log = LoggerFactory.getLogger(EntryRoutes.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /** The most customers one request enters: each is an entity ask, answered before the reply. */
  static final int MAX_ENTRIES = 100;

  private static final long MAX_BYTES = 256 * 1024;

  record Result(String customerId, String result) {}

  record EntriesView(String journey, List<Result> results) {}

  record RunView(
      String runId,
      int version,
      Instant scheduledAt,
      Instant startedAt,
      String cursor,
      long evaluated,
      long matched,
      long entered,
      Instant finishedAt,
      boolean finished) {

    static RunView of(Run run) {
      return new RunView(
          run.runId(),
          run.version(),
          run.scheduledAt(),
          run.startedAt(),
          run.cursor(),
          run.evaluated(),
          run.matched(),
          run.entered(),
          run.finishedAt(),
          run.finishedAt() != null);
    }
  }

  record RunsView(String journey, List<RunView> runs) {}

  /** One customer to enter, as read from the body. */
  private record Wanted(String customerId, Map<String, Object> data) {}

  /** {@code /journeys/{name}/runs} and {@code /journeys/{name}/entries}; others pass on. */
  Route routes() {
    return pathPrefix(
        "journeys",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                name ->
                    concat(
                        path("runs", () -> get(() -> runs(name))),
                        path("entries", () -> post(() -> entries(name))))));
  }

  private Route runs(String journey) {
    return access.require(
        Scope.READ,
        "Entry runs need",
        () ->
            Problem.awaiting(
                runLog.recent(journey),
                this::unavailable,
                runs ->
                    complete(
                        Json.response(
                            StatusCodes.OK,
                            new RunsView(journey, runs.stream().map(RunView::of).toList())))));
  }

  private Route entries(String journey) {
    return access.require(
        Scope.ADMIN,
        "Entering customers needs",
        () ->
            optionalHeaderValueByName(
                "Idempotency-Key",
                key ->
                    RequestBody.read(
                        MAX_BYTES,
                        RequestBody.JSON,
                        body ->
                            wanted(body)
                                .then(
                                    wanted ->
                                        deployedThen(
                                            journey,
                                            () ->
                                                enter(
                                                    journey,
                                                    "entries:"
                                                        + key.orElseGet(
                                                            () -> UUID.randomUUID().toString()),
                                                    wanted))))));
  }

  private Route deployedThen(String journey, Supplier<Route> inner) {
    return Problem.awaiting(
        registry.blocking().supply(() -> registry.get(journey)),
        this::unavailable,
        details ->
            details.isPresent() && details.get().journey() != null
                ? inner.get()
                : Problem.notFound(
                        "No journey \""
                            + journey
                            + "\" is deployed; GET /v1/journeys lists those that are.")
                    .answer());
  }

  private Route enter(String journey, String cause, List<Wanted> wanted) {
    List<CompletableFuture<EntryOutcome>> asks = new ArrayList<>();
    for (Wanted one : wanted) {
      asks.add(customers.enter(one.customerId(), journey, cause, one.data()).toCompletableFuture());
    }
    CompletableFuture<List<Result>> all =
        CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
            .thenApply(
                done -> {
                  List<Result> results = new ArrayList<>();
                  for (int i = 0; i < wanted.size(); i++) {
                    results.add(
                        new Result(wanted.get(i).customerId(), asks.get(i).join().wireName()));
                  }
                  return results;
                });
    return Problem.awaiting(
        all,
        this::unavailable,
        results -> complete(Json.response(StatusCodes.OK, new EntriesView(journey, results))));
  }

  /** {@code {"entries": [{"customerId": "...", "data": {...}}, ...]}}, checked whole. */
  static Parsed<List<Wanted>> wanted(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode entries = body.path("entries");
    if (!body.isObject() || !entries.isArray()) {
      errors.add(
          new FieldError(
              "/entries",
              "Send {\"entries\": [{\"customerId\": \"...\", \"data\": {...}}]}: a list of the"
                  + " customers to enter."));
      return new Parsed.Invalid<>(Problem.invalidFields("The entries", errors));
    }
    if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
      errors.add(
          new FieldError(
              "/entries",
              "List from 1 to "
                  + MAX_ENTRIES
                  + " customers, not "
                  + entries.size()
                  + "; send more in further requests."));
    }
    List<Wanted> wanted = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String at = "/entries/" + i;
      JsonNode id = entry.path("customerId");
      if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 255) {
        errors.add(
            new FieldError(at + "/customerId", "A customerId is text of 1 to 255 characters."));
        continue;
      }
      if (!seen.add(id.asText())) {
        errors.add(
            new FieldError(
                at + "/customerId", "\"" + id.asText() + "\" is listed twice; list it once."));
        continue;
      }
      JsonNode data = entry.path("data");
      if (!data.isMissingNode() && !data.isNull() && !data.isObject()) {
        errors.add(
            new FieldError(at + "/data", "data is a JSON object, e.g. {\"coupon\": \"C15\"}."));
        continue;
      }
      Map<String, Object> values = data.isObject() ? MAPPER.convertValue(data, OBJECT) : Map.of();
      wanted.add(new Wanted(id.asText(), values));
    }
    return errors.isEmpty()
        ? new Parsed.Valid<>(wanted)
        : new Parsed.Invalid<>(Problem.invalidFields("The entries", errors));
  }

  private Problem unavailable(Throwable cause) {
    log.warn("Entries or runs could not be served: {}", cause.toString());
    return Problem.unavailable(
        "A customer's entity or the database did not answer in time; retry (with the same"
            + " Idempotency-Key, nobody is entered twice).");
  }
}
