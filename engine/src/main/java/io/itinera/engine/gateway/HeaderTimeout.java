package io.itinera.engine.gateway;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A bound on how long a new connection may take to send its first request's headers. Pekko HTTP 1.x
 * has no header read timeout (its idle-timeout is reset by every byte, and request-timeout starts
 * once the headers are in), so a client sending one header byte at a time held a connection for as
 * long as it liked. The route's flow is materialized once per connection: its first request must
 * arrive, headers complete, within {@code timeout}, or the connection is closed without an answer,
 * as Go's ReadHeaderTimeout does.
 *
 * <p>Later requests on a kept-alive connection are bounded by {@code
 * pekko.http.server.idle-timeout} only (docs/security/keys.md): a per-request bound needs the
 * server layer's byte stream, which the bind API does not expose.
 */
public final class HeaderTimeout {

  private HeaderTimeout() {}

  /** The handler of each connection: {@code routes}, after a first request within timeout. */
  public static Flow<HttpRequest, HttpResponse, NotUsed> bounded(
      Route routes, Duration timeout, ClassicActorSystemProvider system) {
    return Flow.of(HttpRequest.class)
        .initialTimeout(timeout)
        // Completing the requests closes the connection quietly; a failure would be logged as an
        // error for every such client.
        .recoverWithRetries(1, TimeoutException.class, Source::empty)
        .via(routes.flow(system));
  }
}
