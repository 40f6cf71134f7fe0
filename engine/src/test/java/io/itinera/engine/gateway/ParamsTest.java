package io.itinera.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.itinera.engine.delivery.Delivery.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Query parameters as the API reads them: the value, or a 400 problem naming the parameter. */
class ParamsTest {

  @SuppressWarnings("unchecked")
  private static <T> T valid(Parsed<T> parsed) {
    return ((Parsed.Valid<T>) assertInstanceOf(Parsed.Valid.class, parsed, parsed::toString))
        .value();
  }

  private static Problem invalid(Parsed<?> parsed) {
    return assertInstanceOf(Parsed.Invalid.class, parsed, parsed::toString).problem();
  }

  @Test
  void cursorIsFromTheStartWhenAbsentAndNeverNegative() {
    assertEquals(0L, valid(Params.cursor(Optional.empty())));
    assertEquals(42L, valid(Params.cursor(Optional.of(" 42 "))));
    Problem negative = invalid(Params.cursor(Optional.of("-1")));
    assertEquals(400, negative.status());
    assertEquals("Invalid query parameter \"after\"", negative.title());
    assertEquals(
        "A cursor must be one a previous reply gave (\"next\", or an event's id); it was \"-1\".",
        negative.detail());
    invalid(Params.cursor(Optional.of("next")));
  }

  @Test
  void limitHasADefaultAndBounds() {
    assertEquals(50, valid(Params.limit(Optional.empty(), 50, 1000)));
    assertEquals(1000, valid(Params.limit(Optional.of("1000"), 50, 1000)));
    assertEquals(
        "\"limit\" must be a whole number from 1 to 1000; it was \"1001\".",
        invalid(Params.limit(Optional.of("1001"), 50, 1000)).detail());
    invalid(Params.limit(Optional.of("0"), 50, 1000));
    invalid(Params.limit(Optional.of("ten"), 50, 1000));
  }

  @Test
  void flagIsExactlyTrueOrFalse() {
    assertEquals(false, valid(Params.flag("dryRun", Optional.empty())));
    assertEquals(true, valid(Params.flag("dryRun", Optional.of("true"))));
    Problem yes = invalid(Params.flag("dryRun", Optional.of("yes")));
    assertEquals("\"dryRun\" must be true or false; it was \"yes\".", yes.detail());
  }

  @Test
  void statusIsAWireNameOrAny() {
    assertEquals(Optional.empty(), valid(Params.status(Optional.empty())));
    assertEquals(Optional.of(Status.DEAD), valid(Params.status(Optional.of("dead"))));
    assertEquals(
        "Invalid query parameter \"status\"", invalid(Params.status(Optional.of("lost"))).title());
  }

  @Test
  void nextActionNeedsAChannelName() {
    assertEquals("web", valid(Params.channel(Optional.of("web"))));
    invalid(Params.channel(Optional.empty()));
  }

  @Test
  void auditFiltersAreAnActionAndAKeyIdOrAbsent() {
    assertEquals(Optional.empty(), valid(Params.auditAction(Optional.empty())));
    assertEquals(
        Optional.of("journey.deploy"), valid(Params.auditAction(Optional.of("journey.deploy"))));
    assertEquals(
        "action", invalid(Params.auditAction(Optional.of("deploy"))).title().split("\"")[1]);
    invalid(Params.auditAction(Optional.of("Journey.Deploy")));
    String id = KeyIds.of("some-key");
    assertEquals(Optional.of(id), valid(Params.keyId(Optional.of(id))));
    assertEquals(
        "\"who\" must be a key's id, \"k-\" and 16 hex digits; it was \"some-key\".",
        invalid(Params.keyId(Optional.of("some-key"))).detail());
  }
}
