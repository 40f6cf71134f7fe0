package io.itinera.engine.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants in journalled events quickly. Pekko's Jackson writes them as ISO-8601 text
 * ({@code 2026-12-07T16:16:00.123Z}), and {@link InstantDeserializer} parses that text through a
 * general {@code DateTimeFormatter}: measured, that was nearly half the time of decoding a recorded
 * touchpoint, which every recovering entity and every replay decodes by the hundred. Text of
 * exactly that shape is read here directly; anything else (numbers, offsets other than {@code Z},
 * out-of-range fields) goes to Jackson's own deserializer, so what is accepted does not change.
 *
 * <p>Registered for Pekko's mappers in serialization.conf ({@code jackson-modules}), after Java
 * time's module, so it takes precedence for {@link Instant}.
 */
public final class JournalInstants extends SimpleModule {

  public JournalInstants() {
    super("itinera-journal-instants");
    addDeserializer(Instant.class, new Fast());
  }

  private static final class Fast extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        Instant parsed = parse(parser.getText());
        if (parsed != null) {
          return parsed;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} with a four-digit year and up to nine fraction digits;
   * null for any other text.
   */
  static Instant parse(String text) {
    int length = text.length();
    if (length < 20
        || length > 30
        || length == 21
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(length - 1) != 'Z') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (length > 20) {
      if (text.charAt(19) != '.') {
        return null;
      }
      int fraction = digits(text, 20, length - 1);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int scale = length - 21; scale < 9; scale++) {
        nanos *= 10;
      }
    } else if (text.charAt(19) != 'Z') {
      return null;
    }
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return null;
    }
    if (second < 0 || second > 59) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
