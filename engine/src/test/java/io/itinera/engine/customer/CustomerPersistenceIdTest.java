package io.itinera.engine.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Customer ids to persistence ids and back: Pekko's separator never in the id's part. */
class CustomerPersistenceIdTest {

  @Test
  void anIdWithoutABarIsItsOwnPersistenceIdAsBefore() {
    for (String id : List.of("u-42", "ana@example.com", "100%", "50%off", "%7c", "ünïcödé 顧客 🙂")) {
      assertEquals("Customer|" + id, CustomerPersistenceId.of(id).id());
      assertEquals(id, CustomerPersistenceId.customerId("Customer|" + id));
    }
  }

  @Test
  void aBarIsEscapedAndEveryIdComesBackAsItWas() {
    assertEquals("Customer|auth0%7C5f7c8ec7", CustomerPersistenceId.of("auth0|5f7c8ec7").id());
    for (String id :
        List.of(
            "auth0|5f7c", "|", "||", "a%7Cb", "%25", "%%7C|", "%|", "%2|5", "%7", "7C%", "|%")) {
      String persistenceId = CustomerPersistenceId.of(id).id();
      assertFalse(persistenceId.substring("Customer|".length()).contains("|"), persistenceId);
      assertEquals(id, CustomerPersistenceId.customerId(persistenceId), persistenceId);
    }
  }

  @Test
  void idsThatDifferHaveDifferentPersistenceIds() {
    List<String> ids = List.of("a|b", "a%7Cb", "a%257Cb", "a%b", "a%25b");
    assertEquals(
        ids.size(), ids.stream().map(id -> CustomerPersistenceId.of(id).id()).distinct().count());
  }
}
