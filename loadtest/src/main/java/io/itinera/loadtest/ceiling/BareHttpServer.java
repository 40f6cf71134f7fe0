package io.itinera.loadtest.ceiling;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;

import io.itinera.loadtest.driver.BenchSupport;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Ceiling (i): a bare Pekko HTTP route on the engine's own HTTP settings. It reads the request body
 * (as the gateway does) and answers 200 with a tiny JSON body: no parsing, no actor, no
 * persistence. What the load generator and Pekko HTTP reach together on this machine bounds every
 * other row.
 *
 * <p>{@code java -cp ... io.itinera.loadtest.ceiling.BareHttpServer [port]} (default 18081).
 */
public final class BareHttpServer {

  private static final byte[] REPLY = "{\"success\":true}".getBytes();

  private BareHttpServer() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
    ActorSystem<Void> system = BenchSupport.localSystem("bare-http", "");
    Route route =
        extractStrictEntity(
            Duration.ofSeconds(10),
            32 * 1024,
            entity ->
                complete(
                    HttpResponse.create()
                        .withStatus(StatusCodes.OK)
                        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, REPLY))));
    BenchSupport.serve(system, route, port);
  }
}
