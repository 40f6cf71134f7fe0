package io.itinera.engine.gateway;

import io.itinera.engine.audit.Audit;
import io.itinera.protocol.LogSafe;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an admin route acknowledges a change: only once the change's entry is in the audit log, so
 * every acknowledged change is audited. When the entry cannot be written the change has been made
 * already; the route answers 503 and the log line carries the entry, so the record survives there.
 */
record AuditTrail(Audit audit) {

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

  /** Writes the entry, then answers with {@code answer}. */
  Route recorded(
      String who, String action, String target, Map<String, ?> detail, Supplier<Route> answer) {
    return Problem.awaiting(
        audit.record(who, action, target, detail),
        failure -> {
          log.error(
              "Audit entry not written, the change was made: who={} action={} target={} detail={}:"
                  + " {}",
              who,
              action,
              LogSafe.quote(target),
              detail,
              LogSafe.quote(failure.toString()));
          return Problem.unavailable(
              "The change was made but its audit entry could not be written (the database did not"
                  + " answer); check the change, and repeat it if needed.");
        },
        entry -> answer.get());
  }
}
