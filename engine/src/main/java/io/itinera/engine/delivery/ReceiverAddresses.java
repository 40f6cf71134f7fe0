package io.itinera.engine.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which addresses webhooks may reach: not the node's own network (loopback, link-local with the
 * cloud metadata service at 169.254.169.254, private, unique-local, shared CGNAT, multicast,
 * unspecified, reserved), unless the operator allows a block for an on-premise receiver in {@code
 * itinera.delivery.allowed-networks}.
 *
 * <p>The check runs twice: on PUT, on what the URL's host resolves to then, so that a mistake is
 * refused with a reason; and on every connection, on the address the connection is then made to
 * (see {@link #resolve}), since a name may resolve elsewhere by the time a webhook goes (DNS
 * rebinding). IPv4 addresses spelled the ways {@code inet_aton} reads them (2130706433, 0x7f.1,
 * 0177.0.0.1) and IPv6 forms that carry an IPv4 address (::ffff:127.0.0.1) are judged as the IPv4
 * address they reach.
 */
public final class ReceiverAddresses {

  /** The setting, and its environment variable, an operator changes to allow a refused block. */
  public static final String SETTING =
      "itinera.delivery.allowed-networks (ITINERA_DELIVERY_ALLOWED_NETWORKS)";

  /** Why an address is refused, in words for a problem reply and a delivery's last error. */
  public record Refusal(String host, String address, String kind, NetworkRange range) {

    public String detail() {
      String of = host.equals(address) ? "" : " (what " + host + " resolves to)";
      return "the receiver's address "
          + address
          + of
          + " is "
          + kind
          + " ("
          + range
          + "), which webhooks may not reach unless "
          + SETTING
          + " allows it, e.g. \""
          + range
          + "\" for an on-premise receiver";
    }
  }

  /** A connection refused before it was made; permanent, as retrying reaches the same address. */
  public static final class Refused extends RuntimeException {
    private final transient Refusal refusal;

    Refused(Refusal refusal) {
      super("refused: " + refusal.detail(), null, false, false);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /** Looks a host name up: the system's resolver, or a test's. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private record Reserved(NetworkRange range, String kind) {}

  private static final List<Reserved> RESERVED =
      List.of(
          reserved("0.0.0.0/8", "unspecified (\"this network\")"),
          reserved("10.0.0.0/8", "private"),
          reserved("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
          reserved("127.0.0.0/8", "loopback"),
          reserved("169.254.0.0/16", "link-local (cloud metadata services live here)"),
          reserved("172.16.0.0/12", "private"),
          reserved("192.168.0.0/16", "private"),
          reserved("224.0.0.0/4", "multicast"),
          reserved("240.0.0.0/4", "reserved (or broadcast)"),
          reserved("::/128", "unspecified"),
          reserved("::1/128", "loopback"),
          reserved("fe80::/10", "link-local"),
          reserved("fec0::/10", "site-local"),
          reserved("fc00::/7", "unique-local (private)"),
          reserved("ff00::/8", "multicast"));

  private final List<NetworkRange> allowed;
  private final Resolver resolver;

  public ReceiverAddresses(List<NetworkRange> allowed, Resolver resolver) {
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  /** Resolving with the system's resolver. */
  public static ReceiverAddresses allowing(List<NetworkRange> allowed) {
    return new ReceiverAddresses(allowed, InetAddress::getAllByName);
  }

  public List<NetworkRange> allowed() {
    return allowed;
  }

  /**
   * What is wrong with sending to {@code url} as its host resolves now; empty when nothing is, or
   * when the name does not resolve yet (it is checked again at each connection).
   */
  public Optional<Refusal> check(String url) {
    String host;
    try {
      host = hostOf(new URI(url));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (host == null || host.isEmpty()) {
      return Optional.empty();
    }
    try {
      for (InetAddress address : addresses(host)) {
        Optional<Refusal> refusal = refusal(host, address);
        if (refusal.isPresent()) {
          return refusal;
        }
      }
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The address to connect to for {@code host}: its first, after every address it resolves to
   * passed the check.
   *
   * @throws Refused when one of them is refused
   */
  public InetAddress resolve(String host) throws UnknownHostException {
    InetAddress[] addresses = addresses(host);
    for (InetAddress address : addresses) {
      refusal(host, address)
          .ifPresent(
              refusal -> {
                throw new Refused(refusal);
              });
    }
    return addresses[0];
  }

  /** Why {@code address} (that {@code host} names) is refused, if it is. */
  public Optional<Refusal> refusal(String host, InetAddress address) {
    byte[] bytes = reached(address.getAddress());
    for (NetworkRange range : allowed) {
      if (range.contains(bytes) || range.contains(address.getAddress())) {
        return Optional.empty();
      }
    }
    for (Reserved reserved : RESERVED) {
      if (reserved.range().contains(bytes)) {
        return Optional.of(new Refusal(host, text(address), reserved.kind(), reserved.range()));
      }
    }
    return Optional.empty();
  }

  /**
   * The URL's host; java.net.URI leaves it out for some that HTTP clients read (127.1, an IPv4
   * address in a short form), so then it is taken from the authority.
   */
  private static String hostOf(URI uri) {
    if (uri.getHost() != null || uri.getRawAuthority() == null) {
      return uri.getHost();
    }
    String authority = uri.getRawAuthority();
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.indexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  private InetAddress[] addresses(String host) throws UnknownHostException {
    String name = host.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    Optional<byte[]> ipv4 = ipv4Literal(name);
    if (ipv4.isPresent()) {
      return new InetAddress[] {InetAddress.getByAddress(host, ipv4.get())};
    }
    if (name.contains(":")) {
      // An IPv6 literal: parsed, never looked up.
      return new InetAddress[] {InetAddress.getByName(name)};
    }
    InetAddress[] resolved = resolver.resolve(name);
    if (resolved == null || resolved.length == 0) {
      throw new UnknownHostException(host);
    }
    return resolved;
  }

  /**
   * An IPv4 address as {@code inet_aton} reads it, which is how the system's resolver would: one to
   * four parts, each decimal, octal (leading 0) or hexadecimal (0x), the last filling the bytes
   * left.
   */
  static Optional<byte[]> ipv4Literal(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      OptionalLong value = number(parts[i]);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values[i] = value.getAsLong();
    }
    long address = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        return Optional.empty();
      }
      address |= values[i] << (24 - 8 * i);
    }
    long last = values[parts.length - 1];
    int lastBits = 8 * (5 - parts.length);
    if (last >= (1L << lastBits)) {
      return Optional.empty();
    }
    address |= last;
    return Optional.of(
        new byte[] {
          (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
        });
  }

  /** One part of an IPv4 literal: decimal, octal (leading 0) or hexadecimal (0x). */
  private static OptionalLong number(String part) {
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x") || part.startsWith("0X")) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() > 1 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty() || digits.length() > 11) {
      return OptionalLong.empty();
    }
    for (char c : digits.toCharArray()) {
      if (Character.digit(c, radix) < 0) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(digits, radix));
  }

  /**
   * The IPv4 address an IPv6 one stands for (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d,
   * NAT64 64:ff9b::a.b.c.d), or the address as it is.
   */
  private static byte[] reached(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    boolean mapped =
        zeros(address, 0, 10) && address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    boolean compatible = zeros(address, 0, 12) && !zeros(address, 12, 15);
    boolean nat64 =
        address[0] == 0
            && address[1] == 0x64
            && address[2] == (byte) 0xff
            && address[3] == (byte) 0x9b
            && zeros(address, 4, 12);
    return mapped || compatible || nat64 ? Arrays.copyOfRange(address, 12, 16) : address;
  }

  private static boolean zeros(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(InetAddress address) {
    String text = address.getHostAddress();
    return address instanceof Inet6Address ? "[" + text + "]" : text;
  }

  private static Reserved reserved(String cidr, String kind) {
    return new Reserved(NetworkRange.parse(cidr), kind);
  }
}
