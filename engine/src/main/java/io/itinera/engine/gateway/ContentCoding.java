package io.itinera.engine.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.ContentEncoding;
import org.apache.pekko.http.javadsl.model.headers.HttpEncoding;

/**
 * A {@code Content-Encoding} a request body may arrive in. RudderStack's Node SDK gzips every batch
 * by default, and Segment's SDKs do when asked. Bodies are decoded here, in memory and bounded by
 * the route's limit on the decoded size, so a small compressed body cannot expand without bound.
 */
enum ContentCoding {
  IDENTITY,
  GZIP,
  DEFLATE;

  /** The decoded body would be larger than the route accepts. */
  static final class TooLarge extends IOException {
    TooLarge() {
      super("The decoded body is over the limit");
    }
  }

  /**
   * The codings of the request's body, in the order they must be undone, or the problem (415) that
   * names the first one this gateway cannot decode.
   */
  static Parsed<List<ContentCoding>> of(HttpRequest request) {
    Optional<ContentEncoding> header = request.getHeader(ContentEncoding.class);
    if (header.isEmpty()) {
      return new Parsed.Valid<>(List.of());
    }
    List<ContentCoding> codings = new ArrayList<>();
    for (HttpEncoding encoding : header.get().getEncodings()) {
      Optional<ContentCoding> coding = named(encoding.value());
      if (coding.isEmpty()) {
        return new Parsed.Invalid<>(
            Problem.unsupportedMediaType(
                "The body's Content-Encoding \""
                    + encoding.value()
                    + "\" is not supported; send it as gzip, deflate or unencoded."));
      }
      codings.add(coding.get());
    }
    // The header lists codings in the order they were applied: undo the last one first.
    Collections.reverse(codings);
    return new Parsed.Valid<>(codings);
  }

  private static Optional<ContentCoding> named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "identity" -> Optional.of(IDENTITY);
      case "gzip", "x-gzip" -> Optional.of(GZIP);
      case "deflate" -> Optional.of(DEFLATE);
      default -> Optional.empty();
    };
  }

  /**
   * The body with {@code codings} undone.
   *
   * @throws TooLarge when a decoded body would exceed {@code maxBytes}
   * @throws IOException when the body is not in the coding it claims
   */
  static byte[] decode(List<ContentCoding> codings, byte[] body, long maxBytes) throws IOException {
    byte[] decoded = body;
    for (ContentCoding coding : codings) {
      decoded = coding.decode(decoded, maxBytes);
    }
    return decoded;
  }

  private byte[] decode(byte[] body, long maxBytes) throws IOException {
    return switch (this) {
      case IDENTITY -> body;
      case GZIP -> bounded(new GZIPInputStream(new ByteArrayInputStream(body)), maxBytes);
      case DEFLATE -> inflate(body, maxBytes);
    };
  }

  /**
   * HTTP's deflate is a zlib stream (RFC 9110), but some clients send raw deflate data, as browsers
   * have always accepted: that is read when the zlib header is missing.
   */
  private static byte[] inflate(byte[] body, long maxBytes) throws IOException {
    try {
      return bounded(new InflaterInputStream(new ByteArrayInputStream(body)), maxBytes);
    } catch (ZipException notZlib) {
      Inflater raw = new Inflater(true);
      try {
        return bounded(new InflaterInputStream(new ByteArrayInputStream(body), raw), maxBytes);
      } finally {
        raw.end();
      }
    }
  }

  private static byte[] bounded(InputStream decoding, long maxBytes) throws IOException {
    try (decoding) {
      byte[] decoded = decoding.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (decoded.length > maxBytes) {
        throw new TooLarge();
      }
      return decoded;
    }
  }
}
