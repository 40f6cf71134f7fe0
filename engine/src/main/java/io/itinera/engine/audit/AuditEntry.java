package io.itinera.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One administrative change, as the audit log keeps it.
 *
 * @param id the entry's place in the log (the listing's cursor); later entries have larger ids
 * @param who the id of the key that made the change ({@code KeyIds.of}), never the secret
 * @param action what was done, a dotted word such as {@code journey.deploy} or {@code key.create}
 * @param target what it was done to: a journey's name, a channel, a delivery's id, a key's id
 * @param detail a small JSON object; never personal data, never a secret
 */
public record AuditEntry(
    long id, Instant at, String who, String action, String target, JsonNode detail) {

  /** An action's form: lower-case words joined by dots, e.g. {@code channel.delete}. */
  public static final Pattern ACTION = Pattern.compile("[a-z][a-z-]*(\\.[a-z][a-z-]*)+");
}
