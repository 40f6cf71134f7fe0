package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JournalInstantsTest {

  /** Jackson's Java time module, then ours, as Pekko's configuration lists them. */
  private static final ObjectMapper MAPPER =
      new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new JournalInstants());

  private static final ObjectMapper JACKSON_ONLY =
      new ObjectMapper().registerModule(new JavaTimeModule());

  @Test
  void readsWhatIsoInstantWritesAsJacksonDoes() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1 to 9999
      // Whole seconds, milli-, micro- and nanosecond fractions, as ISO_INSTANT prints them.
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = DateTimeFormatter.ISO_INSTANT.format(instant);
      assertEquals(instant, JournalInstants.parse(text), text);
      String json = "\"" + text + "\"";
      assertEquals(
          JACKSON_ONLY.readValue(json, Instant.class), MAPPER.readValue(json, Instant.class));
    }
    assertEquals(
        Instant.parse("2026-12-07T16:16:00.1Z"), JournalInstants.parse("2026-12-07T16:16:00.1Z"));
  }

  @Test
  void pekkosMappersRegisterItAfterJavaTime() {
    List<String> modules =
        ConfigFactory.load().getStringList("pekko.serialization.jackson.jackson-modules");
    assertTrue(
        modules.indexOf(JournalInstants.class.getName())
            > modules.indexOf(JavaTimeModule.class.getName()),
        modules.toString());
  }

  @Test
  void leavesAnyOtherShapeToJackson() throws Exception {
    for (String text :
        List.of(
            "2026-12-07T16:16:00+01:00",
            "2026-12-07T23:59:60Z",
            "2026-02-30T00:00:00Z",
            "2026-12-07T24:00:00Z",
            "2026-12-07 16:16:00Z",
            "2026-12-07T16:16:00.Z",
            "2026-12-07T16:16:00.1234567890Z",
            "+12026-12-07T16:16:00Z",
            "2026-12-07T1a:16:00Z")) {
      assertNull(JournalInstants.parse(text), text);
    }
    // Numbers and offsets read as Jackson reads them; what Jackson refuses is refused the same way.
    assertEquals(
        Instant.ofEpochSecond(1_700_000_000L, 500_000_000),
        MAPPER.readValue("1700000000.5", Instant.class));
    for (String text :
        List.of("2026-12-07T16:16:00+01:00", "2026-12-07T23:59:60Z", "2026-02-30T00:00:00Z")) {
      assertEquals(outcome(JACKSON_ONLY, text), outcome(MAPPER, text), text);
    }
    assertThrows(
        InvalidFormatException.class,
        () -> MAPPER.readValue("\"2026-02-30T00:00:00Z\"", Instant.class));
  }

  /** The instant read, or the kind of failure. */
  private static String outcome(ObjectMapper mapper, String text) {
    try {
      return mapper.readValue("\"" + text + "\"", Instant.class).toString();
    } catch (Exception e) {
      return e.getClass().getName();
    }
  }
}
