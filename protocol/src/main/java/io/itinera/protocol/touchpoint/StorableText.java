package io.itinera.protocol.touchpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Finds the strings of a message that the journal cannot store. Its serializer (Jackson CBOR)
 * refuses a lone UTF-16 surrogate, which JSON's {@code \ud800} escapes can carry; such a message
 * would fail on every retry, so it is rejected when read, with a pointer to the string. Other
 * characters, NUL included, are stored as they are (ids, which also become database keys, are held
 * to stricter rules in {@link MessageFields#id}).
 */
final class StorableText {

  private static final String FIX =
      "it cannot be stored. Send whole characters (a surrogate pair, or the character itself).";

  private StorableText() {}

  /** Reports every unstorable string in {@code node}, nested, under {@code at}. */
  static void check(JsonNode node, String at, List<FieldError> errors) {
    // Every message passes here: pointers are built only for one that holds such a string.
    if (holdsUnstorable(node)) {
      collect(node, at, errors);
    }
  }

  private static boolean holdsUnstorable(JsonNode node) {
    if (node.isTextual()) {
      return hasLoneSurrogate(node.textValue());
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (holdsUnstorable(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void collect(JsonNode node, String at, List<FieldError> errors) {
    if (node.isTextual()) {
      if (hasLoneSurrogate(node.textValue())) {
        errors.add(new FieldError(at, "The string holds a lone UTF-16 surrogate; " + FIX));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), at + "/" + i, errors);
      }
    } else if (node.isObject()) {
      // Keys need no check: Jackson's parser refuses a lone surrogate in a field name itself.
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        collect(member.getValue(), at + "/" + pointerToken(member.getKey()), errors);
      }
    }
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** A key as a JSON Pointer reference token (RFC 6901): {@code ~} and {@code /} escaped. */
  private static String pointerToken(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
