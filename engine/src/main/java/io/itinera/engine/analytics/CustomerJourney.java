package io.itinera.engine.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the analytics projection remembers of a customer in a journey (a row of {@code
 * analytics_customer_journey}), so that a later event can be counted under the customer's arm,
 * segments and entry day, and the time in a stage measured when they leave it.
 *
 * @param stage the stage they are in; null once they left the journey (the row stays, so a late
 *     click on an action still finds them, until they enter again or are erased)
 * @param splits the arms of the journey's splits they were given
 */
record CustomerJourney(
    String customerId,
    String journey,
    int version,
    String arm,
    List<String> segments,
    String stage,
    Instant stageSince,
    LocalDate enteredDay,
    List<SplitArm> splits) {

  record Key(String customerId, String journey) {}

  /** An arm of a split, and the day it was assigned (the split's cohort). */
  record SplitArm(String split, String arm, LocalDate day) {

    String encoded() {
      return split + ":" + arm + ":" + day;
    }

    static SplitArm decode(String text) {
      int last = text.lastIndexOf(':');
      int middle = text.lastIndexOf(':', last - 1);
      return new SplitArm(
          text.substring(0, middle),
          text.substring(middle + 1, last),
          LocalDate.parse(text.substring(last + 1)));
    }
  }

  CustomerJourney {
    segments = List.copyOf(segments);
    splits = List.copyOf(splits);
  }

  Key key() {
    return new Key(customerId, journey);
  }

  /** Every customer is counted for all ({@code ""}) and once more under each of their segments. */
  List<String> countedUnder() {
    List<String> under = new ArrayList<>(segments.size() + 1);
    under.add(AnalyticsCounts.ALL);
    under.addAll(segments);
    return under;
  }

  CustomerJourney inStage(String next, Instant since) {
    return new CustomerJourney(
        customerId, journey, version, arm, segments, next, since, enteredDay, splits);
  }

  CustomerJourney withSplits(List<SplitArm> next) {
    return new CustomerJourney(
        customerId, journey, version, arm, segments, stage, stageSince, enteredDay, next);
  }

  String encodedSegments() {
    return String.join(",", segments);
  }

  String encodedSplits() {
    return String.join(",", splits.stream().map(SplitArm::encoded).toList());
  }

  static List<String> decodeSegments(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split(","));
  }

  static List<SplitArm> decodeSplits(String text) {
    return text.isEmpty()
        ? List.of()
        : List.of(text.split(",")).stream().map(SplitArm::decode).toList();
  }
}
