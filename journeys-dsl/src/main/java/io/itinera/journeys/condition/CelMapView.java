package io.itinera.journeys.condition;

import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelValue;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A facts map (event properties, customer traits, counters) as CEL's planner runtime takes it
 * without converting it: read-only, no copy.
 *
 * <p>The planner converts every variable it reads into its runtime representation; for a plain
 * {@link Map} that means walking every entry, twice, on every access (and failing on a null value),
 * so the cost of {@code event.properties.category} grew with the number of properties. A {@link
 * CelValue} is taken as it is. Being a {@link Map} as well, the view works with everything CEL does
 * to maps ({@code .field}, {@code [key]}, {@code has()}, {@code in}, {@code size()}, macros, {@code
 * ==}, {@code type()}), and a value read from it is still converted (an {@code Integer} from JSON
 * becomes an {@code int}) the way the planner converts any selected value.
 *
 * <p>{@code CelValue} is marked internal in CEL-Java 0.14.0; {@code ConditionCompilerTest} holds
 * the semantics above, so an upgrade that changes them fails there.
 */
final class CelMapView extends CelValue implements Map<Object, Object> {

  /** The type {@code type()} gives a plain map at run time. */
  private static final CelType TYPE = MapType.create(SimpleType.DYN, SimpleType.DYN);

  private final Map<Object, Object> map;

  private CelMapView(Map<Object, Object> map) {
    this.map = map;
  }

  @SuppressWarnings("unchecked")
  static CelMapView of(Map<String, ?> map) {
    return map == null ? null : new CelMapView((Map<Object, Object>) (Map<?, ?>) map);
  }

  @Override
  public Object value() {
    return this;
  }

  @Override
  public boolean isZeroValue() {
    return map.isEmpty();
  }

  @Override
  public CelType celType() {
    return TYPE;
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public boolean isEmpty() {
    return map.isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return map.containsValue(value);
  }

  @Override
  public Object get(Object key) {
    return map.get(key);
  }

  @Override
  public Object put(Object key, Object value) {
    throw new UnsupportedOperationException("facts are read-only");
  }

  @Override
  public Object remove(Object key) {
    throw new UnsupportedOperationException("facts are read-only");
  }

  @Override
  public void putAll(Map<?, ?> other) {
    throw new UnsupportedOperationException("facts are read-only");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("facts are read-only");
  }

  @Override
  public Set<Object> keySet() {
    return Collections.unmodifiableSet(map.keySet());
  }

  @Override
  public Collection<Object> values() {
    return Collections.unmodifiableCollection(map.values());
  }

  @Override
  public Set<Entry<Object, Object>> entrySet() {
    return Collections.unmodifiableMap(map).entrySet();
  }

  @Override
  public boolean equals(Object other) {
    return other == this || map.equals(other);
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  @Override
  public String toString() {
    return map.toString();
  }
}
