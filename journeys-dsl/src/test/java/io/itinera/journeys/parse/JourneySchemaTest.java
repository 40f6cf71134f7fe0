package io.itinera.journeys.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Editor completion must offer exactly the keys the parser accepts, no more and no fewer. */
class JourneySchemaTest {

  private static final JsonNode SCHEMA = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper().readTree(Path.of("../docs/journey.schema.json").toFile());
    } catch (IOException unreadable) {
      throw new IllegalStateException(unreadable);
    }
  }

  @ParameterizedTest
  @EnumSource(Section.class)
  void schemaOffersTheKeysTheParserAccepts(Section section) {
    JsonNode definition =
        section == Section.JOURNEY ? SCHEMA : SCHEMA.path("$defs").path(definitionName(section));
    JsonNode object = definition.has("properties") ? definition : objectAlternative(definition);
    Set<String> schemaKeys = new TreeSet<>();
    object.path("properties").fieldNames().forEachRemaining(schemaKeys::add);
    assertEquals(new TreeSet<>(section.keys()), schemaKeys, section.name());
  }

  private static JsonNode objectAlternative(JsonNode definition) {
    for (JsonNode alternative : definition.path("oneOf")) {
      if (alternative.has("properties")) {
        return alternative;
      }
    }
    return definition;
  }

  /** CHANNEL_CAP is "channelCap" in the schema, RE_ENTRY "reEntry". */
  private static String definitionName(Section section) {
    String[] words = section.name().toLowerCase().split("_");
    StringBuilder name = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return name.toString();
  }
}
