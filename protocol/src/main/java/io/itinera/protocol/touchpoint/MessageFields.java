package io.itinera.protocol.touchpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fields of one message, read with their errors collected under a common pointer. */
final class MessageFields {
  static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  final JsonNode node;
  final String at;
  final List<FieldError> errors = new ArrayList<>();
  private final ObjectMapper mapper;

  MessageFields(JsonNode node, String at, ObjectMapper mapper) {
    this.node = node;
    this.at = at;
    this.mapper = mapper;
  }

  void error(String relativePointer, String detail) {
    errors.add(new FieldError(at + relativePointer, detail));
  }

  boolean hasError(String... fields) {
    for (String field : fields) {
      String pointer = at + "/" + field;
      if (errors.stream().anyMatch(e -> e.pointer().equals(pointer))) {
        return true;
      }
    }
    return false;
  }

  /** An identifier: a non-empty string, or a number (which Segment's SDKs also send). */
  String id(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    String id;
    if (value.isTextual()) {
      id = value.asText();
    } else if (value.isIntegralNumber()) {
      id = value.asText();
    } else {
      error("/" + field, "\"" + field + "\" must be a string.");
      return null;
    }
    if (id.isBlank()) {
      return null;
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      // Ids become persistence ids and database keys, where a NUL cannot be stored.
      error("/" + field, "\"" + field + "\" must not contain control characters.");
      return null;
    }
    if (id.length() > IngestLimits.MAX_ID_LENGTH) {
      error(
          "/" + field,
          "\""
              + field
              + "\" is "
              + id.length()
              + " characters long; the limit is "
              + IngestLimits.MAX_ID_LENGTH
              + ".");
      return null;
    }
    return id;
  }

  String text(String field, int maxLength) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      error("/" + field, "\"" + field + "\" must be a string.");
      return null;
    }
    String text = value.asText();
    if (text.length() > maxLength) {
      error(
          "/" + field,
          "\""
              + field
              + "\" is "
              + text.length()
              + " characters long; the limit is "
              + maxLength
              + ".");
      return null;
    }
    return text.isEmpty() ? null : text;
  }

  Map<String, Object> object(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      error("/" + field, "\"" + field + "\" must be a JSON object.");
      return Map.of();
    }
    return mapper.convertValue((ObjectNode) value, OBJECT);
  }

  /** A time, which must lie in {@code window} around {@code receivedAt}. */
  Instant instant(String field, EventTimeWindow window, Instant receivedAt) {
    Instant time = instant(field);
    if (time != null && !window.admits(time, receivedAt)) {
      error(
          "/" + field,
          "\""
              + field
              + "\" is "
              + time
              + ", outside the times accepted ("
              + window.describe(receivedAt)
              + "): is the sender's clock set?");
      return null;
    }
    return time;
  }

  private Instant instant(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isTextual()) {
      try {
        return OffsetDateTime.parse(value.asText()).toInstant();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    error(
        "/" + field,
        "\""
            + field
            + "\" must be an ISO-8601 date-time with an offset, such as \"2026-11-23T09:15:00Z\".");
    return null;
  }
}
