package io.itinera.engine.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}): the ranges webhooks
 * may not reach, and the operator's allow-list that lets them reach some anyway.
 */
public record NetworkRange(byte[] network, int prefix, String text) {

  /**
   * Parses {@code address/prefix}; a bare address is a range of one.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code cidr}
   */
  public static NetworkRange parse(String cidr) {
    String trimmed = cidr.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!address.matches("[0-9A-Fa-f:.]+")) {
      // Only literals: InetAddress would look a name up in DNS.
      throw new IllegalArgumentException(
          "\"" + cidr + "\" is not a CIDR block such as 10.0.0.0/8 or fd00::/8");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "\"" + cidr + "\" is not a CIDR block such as 10.0.0.0/8 or fd00::/8", e);
    }
    int bits = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + cidr + "\" has no number of bits after '/'", e);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException(
          "\"" + cidr + "\": the prefix must be from 0 to " + bits + " bits");
    }
    return new NetworkRange(bytes, prefix, trimmed);
  }

  /** Whether {@code address} (4 bytes for IPv4, 16 for IPv6) is in the block. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    if (!Arrays.equals(address, 0, full, network, 0, full)) {
      return false;
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NetworkRange range
        && prefix == range.prefix
        && Arrays.equals(network, range.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
