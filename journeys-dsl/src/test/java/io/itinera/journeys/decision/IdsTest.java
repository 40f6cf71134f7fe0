package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void idsAreTheJdksNameBasedUuidsSoStoredIdsStayValid() {
    for (String[] parts :
        new String[][] {{"a"}, {"runner-42", "running-shoes", "decision"}, {"", "é", "x\u0000y"}}) {
      String expected =
          UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
              .toString();
      assertEquals(expected, Ids.of(parts));
    }
  }
}
