package io.itinera.engine.gateway;

import io.itinera.protocol.LogSafe;
import java.util.UUID;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests the HTTP server could not parse (a bad request line, a URI over 2 KB: 414,
 * headers over their limits: 431) with a problem like every other error, where Pekko HTTP would
 * answer in plain text. Named by {@code pekko.http.server.parsing.error-handler} in http.conf: such
 * a request never reaches the routes. Its path is unknown, so {@code instance} is an id that the
 * log line carries too.
 */
public final class MalformedRequests extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String instance = "urn:uuid:" + UUID.randomUUID();
    String summary = info.summary();
    // The summary may quote the client's bytes: escaped, so they cannot forge log lines.
    log.info(
        "Malformed request {} answered with {}: {}",
        instance,
        status.intValue(),
        LogSafe.quote(summary));
    return Problem.ofStatus(
            status.intValue(),
            status.reason(),
            summary
                + (summary.endsWith(".") ? "" : ".")
                + " The request could not be read as HTTP/1.1 within the server's limits.")
        .at(instance)
        .toResponse();
  }
}
