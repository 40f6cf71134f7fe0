package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.customer.CustomerEvent;
import io.itinera.engine.customer.CustomerHistory;
import io.itinera.engine.customer.CustomerState;
import io.itinera.engine.customer.Customers;
import io.itinera.journeys.decision.PendingTimer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /v1/customers/{id}/export}: everything held about a customer, as JSON (GDPR Art. 15
 * and 20): the profile, every journal event (touchpoints, decisions, merges, what was shown), the
 * deliveries, the pending timers and the profiles merged in, with their own journals.
 *
 * <p>The journals are streamed, not held: the head of the document (profile, deliveries) is built
 * first, then each event is written as it is read, so a customer with a long history costs the node
 * a batch of events at a time, not their whole history. The reply is chunked; a failure half way
 * ends it early, as an invalid document the client cannot take for a complete one.
 */
record CustomerExport(Customers customers, CustomerHistory history, Clock clock) {

  /** The document's head: everything but the journals, which follow it. */
  record Head(
      String customerId,
      Instant exportedAt,
      Map<String, Object> profile,
      CustomerRoutes.JourneysView journeys,
      List<PendingTimer> pendingTimers,
      String mergedInto,
      List<String> mergedProfiles,
      List<Map<String, Object>> deliveries) {}

  /** One event of a journal, as the export writes it. */
  record Entry(long sequenceNr, Instant recordedAt, String type, CustomerEvent event) {}

  Route export(String customerId) {
    CompletionStage<Head> head =
        customers
            .get(customerId)
            .thenCompose(
                state ->
                    history
                        .records()
                        .deliveries(customerId)
                        .thenApply(deliveries -> head(state, deliveries)));
    return Problem.awaiting(
        head,
        failure -> Problem.unavailable("The customer could not be read in time; retry."),
        found ->
            found == null
                ? Problem.notFound("No customer \"" + customerId + "\" has been seen.").answer()
                : complete(response(found)));
  }

  private Head head(CustomerState state, List<Map<String, Object>> deliveries) {
    if (!state.known() && state.absorbed().isEmpty() && state.mergedInto() == null) {
      return null;
    }
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("traits", state.traits());
    profile.put("groups", state.groups());
    profile.put("counters", state.counters());
    profile.put("touchpointCount", state.touchpointCount());
    if (state.firstSeen() != null) {
      profile.put("firstSeen", state.firstSeen());
      profile.put("lastSeen", state.lastSeen());
    }
    List<Map<String, Object>> shown = new ArrayList<>(deliveries.size());
    for (Map<String, Object> delivery : deliveries) {
      Map<String, Object> row = new LinkedHashMap<>(delivery);
      row.computeIfPresent("event", (key, text) -> parsed((String) text));
      shown.add(row);
    }
    return new Head(
        state.customerId(),
        clock.instant(),
        profile,
        CustomerRoutes.JourneysView.of(state.journeys()),
        state.journeys().timers(),
        state.mergedInto(),
        state.absorbed(),
        shown);
  }

  /** The head, then {@code "journal":[...]}, then each merged profile's journal, streamed. */
  private HttpResponse response(Head head) {
    String opening = json(head);
    Source<ByteString, NotUsed> document =
        Source.single(text(opening.substring(0, opening.length() - 1) + ",\"journal\":["))
            .concat(events(head.customerId()))
            .concat(Source.single(text("],\"mergedProfileJournals\":[")));
    for (int i = 0; i < head.mergedProfiles().size(); i++) {
      String merged = head.mergedProfiles().get(i);
      document =
          document
              .concat(
                  Source.single(
                      text(
                          (i == 0 ? "" : ",")
                              + "{\"customerId\":"
                              + json(merged)
                              + ",\"journal\":[")))
              .concat(events(merged))
              .concat(Source.single(text("]}")));
    }
    document = document.concat(Source.single(text("]}")));
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, document));
  }

  /** The customer's journal as JSON array elements, comma-separated. */
  private Source<ByteString, NotUsed> events(String customerId) {
    return history
        .journal(customerId)
        .filter(envelope -> envelope.event() instanceof CustomerEvent)
        .zipWithIndex()
        .map(pair -> text((pair.second() == 0 ? "" : ",") + json(entry(pair.first()))));
  }

  private static Entry entry(EventEnvelope envelope) {
    CustomerEvent event = (CustomerEvent) envelope.event();
    return new Entry(
        envelope.sequenceNr(),
        Instant.ofEpochMilli(envelope.timestamp()),
        event.getClass().getSimpleName(),
        event);
  }

  private static JsonNode parsed(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return Json.MAPPER.getNodeFactory().textNode(text);
    }
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("An export could not be written as JSON", e);
    }
  }

  private static ByteString text(String text) {
    return ByteString.fromString(text, StandardCharsets.UTF_8);
  }
}
