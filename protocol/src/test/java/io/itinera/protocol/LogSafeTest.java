package io.itinera.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogSafeTest {

  @Test
  void newlineInACustomerIdCannotStartALineOfItsOwn() {
    assertEquals("\"ana\\n2026-11-23 INFO forged\"", LogSafe.quote("ana\n2026-11-23 INFO forged"));
    assertEquals("\"a\\rb\\tc\\u2028d\\u0085e\"", LogSafe.quote("a\rb\tc\u2028d\u0085e"));
  }

  @Test
  void quotesBackslashesNulAndLoneSurrogatesAreEscapedAndWholeCharactersKept() {
    assertEquals("\"say \\\"hi\\\" \\\\ \\u0000\"", LogSafe.quote("say \"hi\" \\ \u0000"));
    assertEquals("\"\\ud800x\\udc00\"", LogSafe.quote("\ud800x\udc00"));
    assertEquals(
        "\"caf\u00e9 \ud83d\ude00 auth0|5f7c\"",
        LogSafe.quote("caf\u00e9 \ud83d\ude00 auth0|5f7c"));
    assertEquals("null", LogSafe.quote(null));
  }
}
