package io.itinera.protocol.touchpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itinera.protocol.touchpoint.TouchpointReader.Accepted;
import io.itinera.protocol.touchpoint.TouchpointReader.BatchRead;
import io.itinera.protocol.touchpoint.TouchpointReader.Rejected;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TouchpointReaderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");
  private final TouchpointReader reader = new TouchpointReader(MAPPER, EventTimeWindow.DEFAULT);

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }

  private Touchpoint accepted(String body, TouchpointType type) throws Exception {
    return assertInstanceOf(Accepted.class, reader.readSingle(json(body), type, RECEIVED))
        .touchpoint();
  }

  private List<FieldError> rejected(String body, TouchpointType type) throws Exception {
    return assertInstanceOf(Rejected.class, reader.readSingle(json(body), type, RECEIVED)).errors();
  }

  @Test
  void trackCallBecomesTouchpointOfUserWithSegmentFields() throws Exception {
    Touchpoint t =
        accepted(
            """
            {"userId":"u1","anonymousId":"a1","event":"Product Viewed","messageId":"m1",\
            "properties":{"sku":"shoe-7","price":99.5},"context":{"channel":"app"}}""",
            TouchpointType.TRACK);
    assertEquals("u1", t.customerId());
    assertEquals("a1", t.anonymousId());
    assertEquals("Product Viewed", t.event());
    assertEquals("m1", t.messageId());
    assertEquals("app", t.channel());
    assertEquals(Map.of("sku", "shoe-7", "price", 99.5), t.properties());
    assertEquals(RECEIVED, t.timestamp());
    assertEquals(RECEIVED, t.receivedAt());
  }

  @Test
  void anonymousVisitorIsKnownByAnonymousIdAndNumericIdsAreText() throws Exception {
    String anonymous =
        """
        {"anonymousId":"a-9","name":"Home"}""";
    String numeric =
        """
        {"userId":42,"event":"x"}""";
    assertEquals("a-9", accepted(anonymous, TouchpointType.PAGE).customerId());
    assertEquals("42", accepted(numeric, TouchpointType.TRACK).customerId());
  }

  @Test
  void aPagesNameAndCategoryAreKeptAndACategoryOver255CharactersIsRejected() throws Exception {
    Touchpoint page =
        accepted(
            """
            {"userId":"u","name":"Air Zoom","category":"Shoes"}""",
            TouchpointType.PAGE);
    assertEquals("Air Zoom", page.name());
    assertEquals("Shoes", page.category());
    assertEquals("page Air Zoom", page.label(), "counters keep counting pages by name alone");

    List<FieldError> tooLong =
        rejected(
            "{\"userId\":\"u\",\"category\":\"" + "c".repeat(256) + "\"}", TouchpointType.PAGE);
    assertEquals("/category", tooLong.get(0).pointer(), tooLong.toString());
  }

  @Test
  void channelDefaultsByTypeWhenContextHasNone() throws Exception {
    String page =
        """
        {"userId":"u","name":"Home"}""";
    String screen =
        """
        {"userId":"u","name":"Cart"}""";
    String track =
        """
        {"userId":"u","event":"e"}""";
    assertEquals("web", accepted(page, TouchpointType.PAGE).channel());
    assertEquals("app", accepted(screen, TouchpointType.SCREEN).channel());
    assertEquals("server", accepted(track, TouchpointType.TRACK).channel());
  }

  @Test
  void missingMessageIdIsGeneratedUniquely() throws Exception {
    String track =
        """
        {"userId":"u","event":"e"}""";
    String a = accepted(track, TouchpointType.TRACK).messageId();
    String b = accepted(track, TouchpointType.TRACK).messageId();
    assertTrue(a.startsWith("generated-"));
    assertTrue(!a.equals(b));
  }

  @Test
  void senderClockSkewIsTakenOffTheTimestamp() throws Exception {
    // The sender's clock is 5 minutes fast: it says it sent at 10:05 what happened at 10:04.
    Touchpoint t =
        accepted(
            """
            {"userId":"u","event":"e",\
            "timestamp":"2026-11-23T10:04:00Z","sentAt":"2026-11-23T10:05:00Z"}""",
            TouchpointType.TRACK);
    assertEquals(Instant.parse("2026-11-23T09:59:00Z"), t.timestamp());
  }

  @Test
  void historicalTimestampWithoutSentAtIsKept() throws Exception {
    Touchpoint t =
        accepted(
            """
            {"userId":"u","event":"e","timestamp":"2025-01-02T03:04:05+01:00"}""",
            TouchpointType.TRACK);
    assertEquals(Instant.parse("2025-01-02T02:04:05Z"), t.timestamp());
  }

  @Test
  void everyProblemOfAMessageIsReportedWithItsPointer() throws Exception {
    List<FieldError> errors =
        rejected(
            """
            {"event":7,"properties":[1],"timestamp":"yesterday","context":{"channel":3}}""",
            TouchpointType.TRACK);
    assertEquals(
        List.of("/event", "/properties", "/timestamp", "/userId", "/context/channel"),
        errors.stream().map(FieldError::pointer).toList());
    assertEquals("\"event\" must be a string.", errors.get(0).detail());
    assertTrue(errors.get(2).detail().contains("ISO-8601"));
    assertTrue(errors.get(3).detail().contains("\"userId\" or \"anonymousId\""));
  }

  @Test
  void trackWithoutEventAliasWithoutPreviousIdAndGroupWithoutGroupIdAreRejected() throws Exception {
    String userOnly =
        """
        {"userId":"u"}""";
    assertEquals("/event", rejected(userOnly, TouchpointType.TRACK).get(0).pointer());
    assertEquals("/previousId", rejected(userOnly, TouchpointType.ALIAS).get(0).pointer());
    assertEquals("/groupId", rejected(userOnly, TouchpointType.GROUP).get(0).pointer());
  }

  @Test
  void bodyTypeMustAgreeWithTheRoute() throws Exception {
    String identify =
        """
        {"type":"identify","userId":"u","event":"e"}""";
    FieldError error = rejected(identify, TouchpointType.TRACK).get(0);
    assertEquals("/type", error.pointer());
    assertTrue(error.detail().contains("/v1/identify"));
  }

  @Test
  void overlongIdIsRejectedBecauseItCannotBeAPersistenceId() throws Exception {
    String id = "x".repeat(IngestLimits.MAX_ID_LENGTH + 1);
    String track =
        """
        {"userId":"%s","event":"e"}"""
            .formatted(id);
    assertEquals("/userId", rejected(track, TouchpointType.TRACK).get(0).pointer());
  }

  @Test
  void batchKeepsValidItemsInOrderAndListsInvalidOnesByIndex() throws Exception {
    BatchRead read =
        reader.readBatch(
            json(
                """
                {"context":{"channel":"email"},"batch":[\
                {"type":"track","userId":"u","event":"a"},\
                {"type":"track","event":"b"},\
                {"type":"bogus","userId":"u"},\
                {"type":"identify","userId":"u","traits":{"plan":"pro"},"context":{"channel":"app"}}]}"""),
            RECEIVED);
    assertEquals(List.of(), read.envelopeErrors());
    assertEquals(
        List.of("a", "identify"), read.accepted().stream().map(Touchpoint::label).toList());
    assertEquals("email", read.accepted().get(0).channel());
    assertEquals("app", read.accepted().get(1).channel());
    assertEquals(List.of(1, 2), read.rejected().stream().map(r -> r.index()).toList());
    assertEquals("/batch/1/userId", read.rejected().get(0).errors().get(0).pointer());
    assertEquals("/batch/2/type", read.rejected().get(1).errors().get(0).pointer());
  }

  @Test
  void batchEnvelopeProblemsRejectTheWholeRequest() throws Exception {
    String notAList =
        """
        {"batch":{}}""";
    assertEquals(
        "/batch", reader.readBatch(json(notAList), RECEIVED).envelopeErrors().get(0).pointer());
    assertEquals("", reader.readBatch(json("[1]"), RECEIVED).envelopeErrors().get(0).pointer());
    StringBuilder tooMany =
        new StringBuilder(
            """
            {"batch":[""");
    for (int i = 0; i <= IngestLimits.MAX_BATCH_EVENTS; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{}");
    }
    BatchRead read = reader.readBatch(json(tooMany + "]}"), RECEIVED);
    assertTrue(read.envelopeErrors().get(0).detail().contains("2500"));
  }

  @Test
  void oversizeBatchItemIsRejectedAlone() throws Exception {
    String big = "y".repeat(IngestLimits.MAX_EVENT_BYTES);
    BatchRead read =
        reader.readBatch(
            json(
                """
                {"batch":[{"type":"track","userId":"u","event":"e","properties":{"p":"%s"}},\
                {"type":"track","userId":"u","event":"f"}]}"""
                    .formatted(big)),
            RECEIVED);
    assertEquals(1, read.accepted().size());
    assertEquals("/batch/0", read.rejected().get(0).errors().get(0).pointer());
  }

  private List<String> pointers(String body) throws Exception {
    return rejected(body, TouchpointType.TRACK).stream().map(FieldError::pointer).toList();
  }

  @Test
  void loneSurrogateAnywhereRejectsTheMessageWithItsPointer() throws Exception {
    assertEquals(
        List.of("/userId"),
        pointers(
            """
            {"userId":"bad\\ud800","event":"e"}"""));
    assertEquals(
        List.of("/event", "/properties/cart/items/1/sku", "/context/page~1x~0y"),
        pointers(
            """
            {"userId":"u","event":"\\udc00",\
            "properties":{"cart":{"items":[{"sku":"ok"},{"sku":"x\\ud83d"}]}},\
            "context":{"page/x~y":"\\ud800\\ud800"}}"""));
  }

  @Test
  void wholeCharactersAndNulAreStoredAsSent() throws Exception {
    Touchpoint t =
        accepted(
            """
            {"userId":"ana \\ud83d\\ude00","event":"e","properties":{"note":"a\\u0000b"}}""",
            TouchpointType.TRACK);
    assertEquals("ana \ud83d\ude00", t.userId());
    assertEquals("a\u0000b", t.properties().get("note"));
  }

  @Test
  void idWithControlCharacterIsRejectedBecauseItBecomesADatabaseKey() throws Exception {
    assertEquals(
        List.of("/userId"),
        pointers(
            """
            {"userId":"ana\\nINFO forged line","event":"e"}"""));
    assertEquals(
        List.of("/anonymousId"),
        pointers(
            """
            {"anonymousId":"a\\u0000","event":"e"}"""));
  }

  @Test
  void poisonedBatchMessageIsRejectedAloneAndPoisonedSharedContextRejectsTheBatch()
      throws Exception {
    BatchRead read =
        reader.readBatch(
            json(
                """
                {"batch":[{"type":"track","userId":"u","event":"a"},\
                {"type":"track","userId":"u","event":"b","properties":{"p":"\\ud800"}},\
                {"type":"track","userId":"u","event":"c"}]}"""),
            RECEIVED);
    assertEquals(List.of("a", "c"), read.accepted().stream().map(Touchpoint::label).toList());
    assertEquals("/batch/1/properties/p", read.rejected().get(0).errors().get(0).pointer());
    BatchRead shared =
        reader.readBatch(
            json(
                """
                {"context":{"ip":"\\ud800"},"batch":[{"type":"track","userId":"u","event":"a"}]}"""),
            RECEIVED);
    assertEquals("/context/ip", shared.envelopeErrors().get(0).pointer());
  }

  private Instant eventTime(String times) throws Exception {
    return accepted("{\"userId\":\"u\",\"event\":\"e\"" + times + "}", TouchpointType.TRACK)
        .timestamp();
  }

  @Test
  void originalTimestampCorrectedBySentAtGivesTheEventTimeAsSegmentSays() throws Exception {
    // RudderStack: stamped at 09:50 and sent at 09:55 by a clock 2 minutes slow; received 10:00.
    assertEquals(
        Instant.parse("2026-11-23T09:55:00Z"),
        eventTime(
            """
            ,"originalTimestamp":"2026-11-23T09:50:00Z","sentAt":"2026-11-23T09:55:00Z\""""));
  }

  @Test
  void originalTimestampWithoutSentAtIsTakenAsItIs() throws Exception {
    assertEquals(
        Instant.parse("2026-11-23T09:50:00Z"),
        eventTime(
            """
            ,"originalTimestamp":"2026-11-23T09:50:00Z\""""));
  }

  @Test
  void timestampWinsOverOriginalTimestamp() throws Exception {
    assertEquals(
        Instant.parse("2026-11-23T09:40:00Z"),
        eventTime(
            """
            ,"timestamp":"2026-11-23T09:40:00Z","originalTimestamp":"2026-11-23T09:50:00Z\""""));
  }

  @Test
  void sentAtAloneOrNoTimeAtAllMeansTheTimeOfReceipt() throws Exception {
    assertEquals(RECEIVED, eventTime(",\"sentAt\":\"2026-11-23T09:55:00Z\""));
    assertEquals(RECEIVED, eventTime(""));
  }

  @Test
  void timesOutsideTheWindowAreRejectedWithTheirPointer() throws Exception {
    assertEquals(
        List.of("/timestamp"),
        pointers(
            """
            {"userId":"u","event":"e","timestamp":"9999-01-01T00:00:00Z"}"""));
    assertEquals(
        List.of("/originalTimestamp"),
        pointers(
            """
            {"userId":"u","event":"e","originalTimestamp":"0001-01-01T00:00:00Z"}"""));
    assertEquals(
        List.of("/sentAt"),
        pointers(
            """
            {"userId":"u","event":"e","timestamp":"2026-11-23T09:00:00Z",\
            "sentAt":"9999-12-31T00:00:00Z"}"""));
    assertTrue(
        rejected(
                """
                {"userId":"u","event":"e","timestamp":"1999-12-31T23:59:59Z"}""",
                TouchpointType.TRACK)
            .get(0)
            .detail()
            .contains("2000-01-01T00:00:00Z"));
  }

  @Test
  void aCorrectionThatLandsOutsideTheWindowIsRejected() throws Exception {
    // Each time is in the window, but the sender's clock ran 26 years behind between them.
    assertEquals(
        List.of("/timestamp"),
        pointers(
            """
            {"userId":"u","event":"e","timestamp":"2026-11-24T09:00:00Z",\
            "sentAt":"2000-06-01T00:00:00Z"}"""));
  }

  @Test
  void timesUpToADayAheadAndBackTo2000AreAccepted() throws Exception {
    assertEquals(
        Instant.parse("2026-11-24T09:59:00Z"),
        eventTime(",\"timestamp\":\"2026-11-24T09:59:00Z\""));
    assertEquals(
        Instant.parse("2000-01-01T00:00:00Z"),
        eventTime(",\"timestamp\":\"2000-01-01T00:00:00Z\""));
  }
}
