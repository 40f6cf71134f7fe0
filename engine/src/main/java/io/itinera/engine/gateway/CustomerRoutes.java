package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import io.itinera.engine.customer.CustomerState;
import io.itinera.engine.customer.Customers;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The read API: {@code GET /v1/customers/{id}}, what the engine holds about one customer. Needs a
 * write key or the admin key: profiles are personal data.
 */
final class CustomerRoutes {

  /** A customer as the read API shows it. */
  record CustomerView(
      String customerId,
      Map<String, Object> traits,
      long touchpointCount,
      Instant firstSeen,
      Instant lastSeen,
      List<TouchpointView> recentTouchpoints) {

    static CustomerView of(CustomerState state) {
      return new CustomerView(
          state.customerId(),
          state.traits(),
          state.touchpointCount(),
          state.firstSeen(),
          state.lastSeen(),
          newestFirst(state.recentTouchpoints()));
    }

    private static List<TouchpointView> newestFirst(List<Touchpoint> oldestFirst) {
      List<TouchpointView> views = new ArrayList<>(oldestFirst.size());
      for (int i = oldestFirst.size() - 1; i >= 0; i--) {
        views.add(TouchpointView.of(oldestFirst.get(i)));
      }
      return views;
    }
  }

  /** One recent touchpoint, newest first in the view. */
  record TouchpointView(
      String type,
      String messageId,
      String event,
      String name,
      String channel,
      Map<String, Object> properties,
      Instant timestamp,
      Instant receivedAt) {

    static TouchpointView of(Touchpoint t) {
      return new TouchpointView(
          t.type().wireName(),
          t.messageId(),
          t.event(),
          t.name(),
          t.channel(),
          t.properties(),
          t.timestamp(),
          t.receivedAt());
    }
  }

  private final Customers customers;
  private final ApiKeys keys;

  CustomerRoutes(Customers customers, ApiKeys keys) {
    this.customers = customers;
    this.keys = keys;
  }

  Route routes() {
    return pathPrefix(
        "customers",
        () ->
            path(
                PathMatchers.segment(),
                customerId ->
                    get(
                        () ->
                            extractCredentials(
                                credentials -> {
                                  Optional<String> key = ApiKeys.presented(credentials);
                                  if (key.isEmpty()
                                      || !(keys.isWriteKey(key.get()) || keys.isAdminKey(key.get()))) {
                                    return IngestRoutes.unauthorized(
                                        "Reading a customer needs a write key or the admin key in"
                                            + " the Authorization header (HTTP Basic user name or"
                                            + " Bearer token).");
                                  }
                                  return show(customerId);
                                }))));
  }

  private Route show(String customerId) {
    return onComplete(
        customers.get(customerId),
        result -> {
          if (result.isFailure()) {
            return complete(
                Problem.unavailable("The customer's state could not be read in time; retry.")
                    .toResponse()
                    .addHeader(RetryAfter.create(1L)));
          }
          CustomerState state = result.get();
          if (!state.known()) {
            return complete(
                Problem.notFound("No customer \"" + customerId + "\" has been seen.")
                    .at("/v1/customers/" + customerId)
                    .toResponse());
          }
          return complete(Json.response(StatusCodes.OK, CustomerView.of(state)));
        });
  }
}
