package io.itinera.loadtest.ceiling;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.metrics.Metrics;
import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings;
import io.itinera.loadtest.driver.BenchSupport;
import io.itinera.protocol.CborSerializable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Ceiling (ii): a bare sharded, event-sourced entity persisting one small event per request through
 * pekko-persistence-jdbc, on the engine's own configuration (cluster, sharding, journal pool,
 * serialization) and schema (the engine's Flyway migrations). Only the work of the engine proper is
 * missing: write keys, the Segment reader, the touchpoint, the customer state and its reply.
 *
 * <p>{@code java -cp ... io.itinera.loadtest.ceiling.BareEntityServer JDBC_URL [port]} (default
 * 18082). {@code POST} any path with {@code {"userId":..,"messageId":..}}: 200 once persisted.
 * {@code GET /metrics}: the JVM's meters as the engine's management port scrapes them (the engine's
 * own {@link Metrics} registry, so the same names), for loadtest/cost-per-touchpoint.sh's
 * allocation per event.
 */
public final class BareEntityServer {

  /** Persist one event for this entity, then reply. */
  public record Persist(String messageId, ActorRef<Done> replyTo) implements CborSerializable {}

  /** The only event. */
  public record Persisted(String messageId) implements CborSerializable {}

  static final EntityTypeKey<Persist> TYPE_KEY = EntityTypeKey.create(Persist.class, "Bare");

  static final class BareEntity extends EventSourcedBehavior<Persist, Persisted, Long> {
    BareEntity(String id) {
      super(PersistenceId.of(TYPE_KEY.name(), id));
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Persist, Persisted, Long> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Persist.class,
              command ->
                  Effect()
                      .persist(new Persisted(command.messageId()))
                      .thenReply(command.replyTo(), state -> Done.getInstance()))
          .build();
    }

    @Override
    public EventHandler<Long, Persisted> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onEvent(Persisted.class, (count, event) -> count + 1)
          .build();
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] REPLY =
      "{\"success\":true,\"recorded\":1,\"duplicates\":0}".getBytes();

  private BareEntityServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: BareEntityServer JDBC_URL [port]");
      System.exit(2);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 18082;
    Config config =
        ItineraNode.configure(
            ConfigFactory.parseMap(
                    Map.of(
                        "itinera.db.url",
                        args[0],
                        // Its own random remote port: it never joins anything but itself.
                        "pekko.remote.artery.canonical.port",
                        0))
                .withFallback(ConfigFactory.load()));
    try (Storage storage = Storage.open(StorageSettings.from(config))) {
      storage.migrate();
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bare-entity", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(TYPE_KEY, context -> new BareEntity(context.getEntityId())));
    Duration askTimeout = config.getDuration("itinera.http.ask-timeout");

    Route metrics =
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        ContentTypes.TEXT_PLAIN_UTF8,
                                        Metrics.get(system).scrape())))));
    Route persist =
        extractStrictEntity(
            Duration.ofSeconds(10),
            32 * 1024,
            entity -> {
              String userId;
              String messageId;
              try {
                JsonNode body = MAPPER.readTree(entity.getData().toArray());
                userId = body.path("userId").asText();
                messageId = body.path("messageId").asText();
              } catch (IOException e) {
                return complete(StatusCodes.BAD_REQUEST);
              }
              return onComplete(
                  sharding
                      .entityRefFor(TYPE_KEY, userId)
                      .<Done>ask(replyTo -> new Persist(messageId, replyTo), askTimeout),
                  result ->
                      result.isSuccess()
                          ? complete(
                              HttpResponse.create()
                                  .withStatus(StatusCodes.OK)
                                  .withEntity(
                                      HttpEntities.create(ContentTypes.APPLICATION_JSON, REPLY)))
                          : complete(StatusCodes.SERVICE_UNAVAILABLE));
            });
    // Bound before the first request, so the JVM's meters count from the start.
    Metrics.get(system);
    BenchSupport.serve(system, concat(metrics, persist), port);
  }
}
