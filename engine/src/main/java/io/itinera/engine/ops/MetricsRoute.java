package io.itinera.engine.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import io.itinera.engine.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port, beside {@code /alive} and {@code /ready}: the node's
 * {@link Metrics} in the Prometheus text format. Pekko Management adds it because {@code
 * management.conf} names this class under {@code pekko.management.http.routes}; it loads the class
 * by name (hence the public constructor) and asks it for its extension.
 */
public final class MetricsRoute extends AbstractExtensionId<MetricsRoute.Provider>
    implements ExtensionIdProvider {

  private static final MetricsRoute INSTANCE = new MetricsRoute();

  static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  @Override
  public MetricsRoute lookup() {
    return INSTANCE;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    return new Provider(Metrics.get(system));
  }

  /** The route itself, one per node. */
  public static final class Provider implements ManagementRouteProvider {

    private final Metrics metrics;

    Provider(Metrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      return path(
          "metrics",
          () ->
              // Directives.get: plain get() is the extension lookup inherited here.
              Directives.get(
                  () ->
                      complete(
                          HttpResponse.create()
                              .withEntity(
                                  HttpEntities.create(
                                      PROMETHEUS_TEXT,
                                      metrics.scrape().getBytes(StandardCharsets.UTF_8))))));
    }
  }
}
