package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The read journal tells a slice's pseudo tag from a real one by its name alone, so a real tag must
 * never read as a slice, and a slice must hold exactly the entities whose id hashes to it, escaped
 * ids included.
 */
class JournalSlicesTest {

  @Test
  void aPseudoTagNamesItsSliceAndRealTagsNameNone() {
    assertEquals(
        Optional.of(new JournalSlices.Slice(2, 4)), JournalSlices.parse(JournalSlices.tag(2, 4)));
    for (String tag :
        new String[] {
          "index-1",
          "actions-0",
          "journal-slice-",
          "journal-slice-4-of-4",
          "journal-slice-x-of-4",
          "journal-slice-1"
        }) {
      assertEquals(Optional.empty(), JournalSlices.parse(tag), tag);
    }
    assertThrows(IllegalArgumentException.class, () -> JournalSlices.tag(4, 4));
  }

  @Test
  void aSliceHoldsTheEntitiesOfItsIdsHashEscapedOrNot() {
    for (String id : new String[] {"c-1", "auth0|5f7c", "p%7C1", "100%", "|"}) {
      String persistenceId = JournalSlices.persistenceId("Customer", id);
      assertEquals(id, JournalSlices.entityId(persistenceId), persistenceId);
      int slice = JournalSlices.slice(id, 4);
      assertTrue(new JournalSlices.Slice(slice, 4).holds(persistenceId), persistenceId);
      assertFalse(new JournalSlices.Slice((slice + 1) % 4, 4).holds(persistenceId), persistenceId);
    }
  }
}
