package io.itinera.engine.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import io.itinera.protocol.touchpoint.FieldError;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request body read as exactly one JSON value, refusing what a lenient reader would let through
 * silently: content after the value (a second message would be dropped), numbers beyond a double's
 * range (they would become infinity), bytes that are not well-formed UTF-8 (Jackson reads overlong
 * sequences such as {@code C0 AF} as if they were the character they disguise), and a key twice in
 * one object (readers disagree on which one wins, so a proxy that checks the first {@code userId}
 * and a node that keeps the last could be told different things). Nesting deeper than Jackson's 500
 * levels and numbers longer than its 1,000 digits are refused by Jackson's read constraints.
 */
final class StrictJson {

  private static final ObjectReader READER =
      Json.MAPPER
          .readerFor(JsonNode.class)
          .with(new FiniteNumbers())
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private StrictJson() {}

  /** The body's one JSON value, or the problem that says what is wrong with it and where. */
  static Parsed<JsonNode> read(byte[] bytes) {
    Parsed<JsonNode> malformed = malformedUtf8(bytes);
    if (malformed != null) {
      return malformed;
    }
    try (JsonParser parser = READER.createParser(bytes)) {
      try {
        JsonNode body = READER.readTree(parser);
        if (body == null || body.isMissingNode()) {
          return invalid("The body is empty; send a JSON object.", List.of());
        }
        if (parser.nextToken() != null) {
          return invalid(
              "The body has more after its JSON value, "
                  + at(parser.currentTokenLocation())
                  + "; send one JSON value per request (several messages go in a batch).",
              List.of());
        }
        return new Parsed.Valid<>(body);
      } catch (NumberOutOfRange e) {
        String pointer = parser.getParsingContext().pathAsPointer().toString();
        return invalid(
            "The number " + at(parser.currentTokenLocation()) + " is beyond the range of a double.",
            List.of(new FieldError(pointer, "A number beyond the range of a double.")));
      }
    } catch (JsonParseException e) {
      JsonParser failed = e.getProcessor();
      if (e.getOriginalMessage().startsWith("Duplicate field") && failed != null) {
        String pointer = failed.getParsingContext().pathAsPointer().toString();
        return invalid(
            "The body has the key at "
                + pointer
                + " twice, "
                + at(e.getLocation())
                + "; send each key once.",
            List.of(new FieldError(pointer, "A key that appears twice in its object.")));
      }
      return invalid(
          "The body is not valid JSON " + at(e.getLocation()) + ": " + e.getOriginalMessage() + ".",
          List.of());
    } catch (JsonProcessingException e) {
      return invalid(
          "The body is not valid JSON " + at(e.getLocation()) + ": " + e.getOriginalMessage() + ".",
          List.of());
    } catch (IOException e) {
      return invalid("The body could not be read.", List.of());
    }
  }

  private static String at(JsonLocation where) {
    return where == null ? "" : "at line " + where.getLineNr() + ", column " + where.getColumnNr();
  }

  private static Parsed<JsonNode> invalid(String detail, List<FieldError> errors) {
    return new Parsed.Invalid<>(Problem.invalidBody(detail, errors));
  }

  /** The problem with the first byte that is not well-formed UTF-8, or null when there is none. */
  private static Parsed<JsonNode> malformedUtf8(byte[] bytes) {
    if (isAscii(bytes)) {
      return null;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return invalid(
            "The body is not valid UTF-8: byte "
                + (in.position() + 1)
                + " (line "
                + line(bytes, in.position())
                + ") begins a malformed or overlong sequence; send JSON as UTF-8.",
            List.of());
      }
      if (result.isUnderflow()) {
        return null;
      }
      out.clear();
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static int line(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Raised while parsing, so the parser still points at the number. */
  private static final class NumberOutOfRange extends RuntimeException {
    NumberOutOfRange() {
      super(null, null, false, false);
    }
  }

  /** Builds the tree as usual, but refuses numbers a double cannot hold. */
  private static final class FiniteNumbers extends JsonNodeFactory {

    @Override
    public NumericNode numberNode(double v) {
      if (Double.isInfinite(v)) {
        throw new NumberOutOfRange();
      }
      return super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(BigInteger v) {
      if (v != null && Double.isInfinite(v.doubleValue())) {
        throw new NumberOutOfRange();
      }
      return super.numberNode(v);
    }
  }
}
