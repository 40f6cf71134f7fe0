package io.itinera.engine.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SSRF policy of webhooks on its own: which receiver addresses are refused, in every spelling
 * that reaches them, what the allow-list lets through, and a name that rebinds between the PUT and
 * the connection.
 */
class ReceiverAddressesTest {

  /** Names never reach DNS here: a test that looks one up fails. */
  private static final ReceiverAddresses.Resolver NO_DNS =
      host -> {
        throw new UnknownHostException("no DNS in this test: " + host);
      };

  private static final ReceiverAddresses DEFAULT = new ReceiverAddresses(List.of(), NO_DNS);

  @Test
  void theNodesOwnNetworksAreRefusedInEverySpelling() {
    List<String> refused =
        List.of(
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f000001",
            "0x7f.1",
            "0177.0.0.1",
            "localhost.",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[0:0:0:0:0:ffff:a9fe:a9fe]",
            "0.0.0.0",
            "0",
            "[::]",
            "169.254.169.254",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "[fe80::1]",
            "[fd00::1]",
            "[fc00::1]",
            "[ff02::1]",
            "[64:ff9b::a00:1]");
    ReceiverAddresses policy =
        new ReceiverAddresses(
            List.of(),
            host -> {
              if (host.equals("localhost")) {
                return new InetAddress[] {
                  InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})
                };
              }
              throw new UnknownHostException(host);
            });
    for (String host : refused) {
      Optional<ReceiverAddresses.Refusal> refusal = policy.check("http://" + host + ":8080/hook");
      assertTrue(refusal.isPresent(), host + " is refused at PUT");
      assertTrue(
          refusal.get().detail().contains("itinera.delivery.allowed-networks"),
          "says how to allow it: " + refusal.get().detail());
      assertThrows(ReceiverAddresses.Refused.class, () -> policy.resolve(host), host);
    }
  }

  @Test
  void theReasonNamesTheAddressItsKindAndTheBlockToAllow() {
    ReceiverAddresses.Refusal metadata =
        DEFAULT.check("http://169.254.169.254/latest/meta-data/").orElseThrow();
    assertEquals("169.254.169.254", metadata.address());
    assertTrue(metadata.detail().contains("link-local"), metadata.detail());
    assertTrue(metadata.detail().contains("\"169.254.0.0/16\""), metadata.detail());
    ReceiverAddresses.Refusal decimal = DEFAULT.check("http://2130706433/").orElseThrow();
    assertEquals("127.0.0.1", decimal.address());
    assertTrue(decimal.detail().contains("loopback"), decimal.detail());
    assertTrue(decimal.detail().contains("what 2130706433 resolves to"), decimal.detail());
  }

  @Test
  void publicAddressesPass() {
    for (String host :
        List.of(
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "[2606:4700:4700::1111]")) {
      assertEquals(Optional.empty(), DEFAULT.check("https://" + host + "/hook"), host);
    }
  }

  @Test
  void theAllowListLetsItsBlocksThroughAndNoOthers() throws Exception {
    ReceiverAddresses onPremise =
        new ReceiverAddresses(
            List.of(NetworkRange.parse("127.0.0.0/8"), NetworkRange.parse("fd00:1::/64")), NO_DNS);
    for (String host : List.of("127.0.0.1", "127.9.9.9", "[::ffff:127.0.0.1]", "[fd00:1::5]")) {
      assertEquals(Optional.empty(), onPremise.check("http://" + host + "/"), host);
    }
    for (String host : List.of("[::1]", "10.0.0.1", "169.254.169.254", "[fd00:2::5]")) {
      assertTrue(onPremise.check("http://" + host + "/").isPresent(), host);
    }
    assertEquals("127.0.0.1", onPremise.resolve("127.0.0.1").getHostAddress());
  }

  @Test
  void aNameThatRebindsToLoopbackAfterThePutIsRefusedAtTheConnection() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    ReceiverAddresses policy =
        new ReceiverAddresses(
            List.of(),
            host ->
                new InetAddress[] {
                  InetAddress.getByAddress(
                      host,
                      lookups.incrementAndGet() == 1
                          ? new byte[] {93, (byte) 184, (byte) 216, 34}
                          : new byte[] {127, 0, 0, 1})
                });
    assertEquals(Optional.empty(), policy.check("https://rebind.example/hook"), "at PUT");
    ReceiverAddresses.Refused refused =
        assertThrows(ReceiverAddresses.Refused.class, () -> policy.resolve("rebind.example"));
    assertTrue(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
    assertTrue(refused.getMessage().contains("rebind.example"), refused.getMessage());
  }

  @Test
  void aNameWithOneRefusedAddressAmongItsAnswersIsRefused() throws Exception {
    ReceiverAddresses policy =
        new ReceiverAddresses(
            List.of(),
            host ->
                new InetAddress[] {
                  InetAddress.getByAddress(host, new byte[] {8, 8, 8, 8}),
                  InetAddress.getByAddress(host, new byte[] {10, 0, 0, 1})
                });
    assertTrue(policy.check("http://mixed.example/").isPresent());
  }

  @Test
  void aNameThatDoesNotResolveYetPassesThePutAndFailsTheConnection() {
    assertEquals(Optional.empty(), DEFAULT.check("https://not-yet.example/hook"));
    assertThrows(UnknownHostException.class, () -> DEFAULT.resolve("not-yet.example"));
  }

  @Test
  void ipv4LiteralsAreReadAsInetAtonReadsThem() {
    assertEquals(List.of(127, 0, 0, 1), bytes("0x7f.0.0.01"));
    assertEquals(List.of(10, 0, 1, 2), bytes("10.258"));
    assertEquals(List.of(192, 168, 0, 1), bytes("0300.0250.1"));
    assertFalse(ReceiverAddresses.ipv4Literal("256.0.0.1").isPresent());
    assertFalse(ReceiverAddresses.ipv4Literal("1.2.3.4.5").isPresent());
    assertFalse(ReceiverAddresses.ipv4Literal("08.0.0.1").isPresent());
    assertFalse(ReceiverAddresses.ipv4Literal("example.com").isPresent());
    assertFalse(ReceiverAddresses.ipv4Literal("").isPresent());
  }

  @Test
  void badBlocksInTheAllowListAreExplained() {
    for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0.0/x", "")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    assertTrue(NetworkRange.parse("10.0.0.0/8").contains(new byte[] {10, 1, 2, 3}));
    assertFalse(NetworkRange.parse("172.16.0.0/12").contains(new byte[] {(byte) 172, 32, 0, 1}));
  }

  @Test
  void theAllowListComesFromTheListAndFromTheEnvironmentsCommaSeparatedText() {
    DeliverySettings settings =
        DeliverySettings.from(
            ConfigFactory.parseString(
                    "itinera.delivery.allowed-networks = [\"192.168.7.0/24\"]\n"
                        + "itinera.delivery.allowed-networks-text = \"10.20.0.0/16, fd00:1::/64\"")
                .withFallback(ConfigFactory.load()));
    assertEquals(
        List.of("192.168.7.0/24", "10.20.0.0/16", "fd00:1::/64"),
        settings.allowedNetworks().stream().map(NetworkRange::toString).toList());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DeliverySettings.from(
                    ConfigFactory.parseString(
                            "itinera.delivery.allowed-networks-text = \"10.0.0.0/8,intranet\"")
                        .withFallback(ConfigFactory.load())));
    assertTrue(
        bad.getMessage().startsWith("itinera.delivery.allowed-networks: "), bad.getMessage());
    assertTrue(bad.getMessage().contains("intranet"), bad.getMessage());
  }

  @Test
  void receiverBodiesAreCutAndLoseTheirControlCharacters() {
    String forged = "oops\r\n2026-12-07 ERROR forged log line\u001b[31m red\u0000\u2028end";
    String shown = WebhookExchange.printable(forged, WebhookExchange.MAX_ERROR_ECHO);
    assertEquals("oops 2026-12-07 ERROR forged log line [31m red end", shown);
    String huge = "x".repeat(10_000);
    String cut = WebhookExchange.printable(huge, WebhookExchange.MAX_ERROR_ECHO);
    assertEquals(WebhookExchange.MAX_ERROR_ECHO, cut.length());
    assertTrue(cut.endsWith("…"));
  }

  private static List<Integer> bytes(String literal) {
    byte[] address = ReceiverAddresses.ipv4Literal(literal).orElseThrow();
    return List.of(address[0] & 0xff, address[1] & 0xff, address[2] & 0xff, address[3] & 0xff);
  }
}
