package io.itinera.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.itinera.protocol.touchpoint.EventTimeWindow;
import io.itinera.protocol.touchpoint.FieldError;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointReader;
import io.itinera.protocol.touchpoint.TouchpointReader.Accepted;
import io.itinera.protocol.touchpoint.TouchpointReader.BatchRead;
import io.itinera.protocol.touchpoint.TouchpointReader.Read;
import io.itinera.protocol.touchpoint.TouchpointReader.Rejected;
import io.itinera.protocol.touchpoint.TouchpointReader.RejectedItem;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whatever JSON a sender (or a fuzzer) posts, the reader returns a touchpoint or errors that point
 * into the body, never throws, and answers in well under a second. Bytes that are not JSON never
 * reach the reader: the gateway refuses them first. In a plain {@code mvn test} this replays the
 * seed corpus in {@code TouchpointReaderFuzzTestInputs/}; run it with {@code JAZZER_FUZZ=1} to
 * search for new inputs (docs/security/conditions.md).
 */
class TouchpointReaderFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** As the gateway reads bodies: a key twice is refused there, before the reader. */
  private static final ObjectReader JSON =
      MAPPER.readerFor(JsonNode.class).with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private static final TouchpointReader READER =
      new TouchpointReader(MAPPER, EventTimeWindow.DEFAULT);
  private static final Instant RECEIVED = Instant.parse("2026-11-23T14:00:00Z");
  private static final TouchpointType[] TYPES = TouchpointType.values();

  @FuzzTest(maxDuration = "60s")
  void anyJsonReadsToATouchpointOrLocatedErrors(byte[] body) {
    if (body.length == 0) {
      return;
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(body, 1, body.length - 1);
    } catch (IOException notJson) {
      return;
    }
    if (tree == null || tree.isMissingNode()) {
      return;
    }
    // The first byte picks the route, so every call type meets every body.
    TouchpointType route = TYPES[Byte.toUnsignedInt(body[0]) % TYPES.length];
    long start = System.nanoTime();
    check(READER.readSingle(tree, route, RECEIVED), "");
    BatchRead batch = READER.readBatch(tree, RECEIVED);
    batch.accepted().forEach(TouchpointReaderFuzzTest::check);
    for (RejectedItem item : batch.rejected()) {
      located(item.errors(), "/batch/" + item.index());
    }
    located(batch.envelopeErrors(), "");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.toMillis() < 1_000, () -> "reading took " + took);
  }

  private static void check(Read read, String at) {
    if (read instanceof Accepted accepted) {
      check(accepted.touchpoint());
    } else {
      located(((Rejected) read).errors(), at);
    }
  }

  private static void check(Touchpoint touchpoint) {
    assertNotNull(touchpoint.messageId());
    assertNotNull(touchpoint.customerId(), touchpoint::toString);
    assertNotNull(touchpoint.channel());
    assertNotNull(touchpoint.timestamp());
  }

  /** A rejection says why, at a JSON Pointer inside the rejected part of the body. */
  private static void located(List<FieldError> errors, String under) {
    for (FieldError error : errors) {
      assertTrue(error.pointer().startsWith(under), error::toString);
      JsonPointer.compile(error.pointer());
      assertFalse(error.detail().isBlank(), error::toString);
    }
  }
}
