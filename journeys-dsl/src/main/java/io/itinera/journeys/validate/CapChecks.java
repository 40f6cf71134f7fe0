package io.itinera.journeys.validate;

import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.FrequencyCaps.Cap;
import io.itinera.journeys.model.FrequencyCaps.ChannelCap;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks on the journey's sending limits: frequency caps that forbid a channel the journey
 * uses, contradict one another or never bind, and quiet hours that cover no time.
 */
final class CapChecks {

  private final Check check;

  CapChecks(Check check) {
    this.check = check;
  }

  void caps() {
    Set<String> usedChannels = new HashSet<>();
    boolean offers = false;
    for (Stage stage : check.journey.stages()) {
      List<Action> all = new ArrayList<>(stage.enter());
      stage
          .on()
          .forEach(
              trigger -> {
                all.addAll(trigger.actions());
                if (trigger.split() != null) {
                  trigger.split().arms().forEach(arm -> all.addAll(arm.actions()));
                }
              });
      for (Action action : all) {
        if (action.channel() != null) {
          usedChannels.add(action.channel());
        }
        offers |= action.offer() != null;
      }
    }
    List<ChannelCap> perChannel = check.journey.caps().perChannel();
    for (int i = 0; i < perChannel.size(); i++) {
      ChannelCap cap = perChannel.get(i);
      Position where = check.at(check.sourceMap.pathOf(cap, "caps/perChannel/" + i));
      check.channel(
          cap.channel(),
          check.at(check.sourceMap.pathOf(cap, "caps/perChannel/" + i) + "/channel"));
      channelCap(perChannel, i, where, usedChannels);
      neverBinds(perChannel, cap, where);
    }
    overallCaps(
        check.journey.caps().acrossChannels(),
        "caps/acrossChannels/",
        !usedChannels.isEmpty(),
        "this cap allows no messages at all, yet the journey has actions; raise max or remove the cap",
        "two caps across channels per ");
    overallCaps(
        check.journey.caps().perJourney(),
        "caps/perJourney/",
        !usedChannels.isEmpty(),
        "this cap allows the journey no messages at all, yet it has actions; raise max or remove the cap",
        "two caps on the journey per ");
    if (check.journey.caps().offerCooldown() != null && !offers) {
      check.warning(
          check.at("caps/offerCooldown"),
          "offerCooldown has no effect: no action carries an 'offer'; add offers or remove it");
    }
  }

  /** A channel cap that forbids a channel in use, or repeats or contradicts an earlier one. */
  private void channelCap(
      List<ChannelCap> perChannel, int i, Position where, Set<String> usedChannels) {
    ChannelCap cap = perChannel.get(i);
    if (cap.max() == 0 && usedChannels.contains(cap.channel())) {
      check.error(
          where,
          "this cap allows no '"
              + cap.channel()
              + "' messages at all, yet the journey sends on '"
              + cap.channel()
              + "'; raise max or remove those actions");
    }
    for (int j = 0; j < i; j++) {
      ChannelCap other = perChannel.get(j);
      if (other.channel().equals(cap.channel()) && other.per().equals(cap.per())) {
        check.error(
            where,
            other.max() == cap.max()
                ? "the cap on '"
                    + cap.channel()
                    + "' per "
                    + DurationText.format(cap.per())
                    + " is given twice; keep one"
                : "two caps on '"
                    + cap.channel()
                    + "' per "
                    + DurationText.format(cap.per())
                    + " contradict each other ("
                    + other.max()
                    + " and "
                    + cap.max()
                    + "); keep one");
      }
    }
  }

  /** A channel cap that a stricter cap, on the channel or across channels, makes redundant. */
  private void neverBinds(List<ChannelCap> perChannel, ChannelCap cap, Position where) {
    for (ChannelCap other : perChannel) {
      if (other != cap
          && other.channel().equals(cap.channel())
          && !other.per().equals(cap.per())
          && stricter(other.max(), other.per(), cap.max(), cap.per())) {
        neverBinds(cap, where, describe(other.max(), other));
        break;
      }
    }
    for (Cap overall : check.journey.caps().acrossChannels()) {
      if (stricter(overall.max(), overall.per(), cap.max(), cap.per())) {
        neverBinds(
            cap,
            where,
            "the cap across channels ("
                + overall.max()
                + " per "
                + DurationText.format(overall.per())
                + ")");
        break;
      }
    }
  }

  private void neverBinds(ChannelCap cap, Position where, String stricterCap) {
    check.warning(
        where,
        "this cap on '"
            + cap.channel()
            + "' ("
            + describe(cap.max(), cap)
            + ") never binds: "
            + stricterCap
            + " is stricter; remove it or lower max");
  }

  /**
   * Caps across channels or on the whole journey: one that forbids all sending, or two per window.
   */
  private void overallCaps(
      List<Cap> caps, String listPath, boolean sends, String forbidsAll, String twoCapsPer) {
    for (int i = 0; i < caps.size(); i++) {
      Cap cap = caps.get(i);
      Position where = check.at(check.sourceMap.pathOf(cap, listPath + i));
      if (cap.max() == 0 && sends) {
        check.error(where, forbidsAll);
      }
      for (int j = 0; j < i; j++) {
        if (caps.get(j).per().equals(cap.per())) {
          check.error(
              where,
              twoCapsPer
                  + DurationText.format(cap.per())
                  + (caps.get(j).max() == cap.max()
                      ? " are the same; keep one"
                      : " contradict each other ("
                          + caps.get(j).max()
                          + " and "
                          + cap.max()
                          + "); keep one"));
        }
      }
    }
  }

  /** Whether cap A (maxA per perA) makes cap B redundant: it allows no more, over no less time. */
  private boolean stricter(int maxA, Duration perA, int maxB, Duration perB) {
    return maxA <= maxB && perA.compareTo(perB) >= 0;
  }

  private String describe(int max, ChannelCap cap) {
    return max + " per " + DurationText.format(cap.per());
  }

  void quietHours() {
    for (int i = 0; i < check.journey.quietHours().size(); i++) {
      QuietHours quiet = check.journey.quietHours().get(i);
      String path = check.sourceMap.pathOf(quiet, "quietHours/" + i);
      if (quiet.from().equals(quiet.to())) {
        check.error(
            check.at(path),
            "quiet hours from "
                + quiet.from()
                + " to "
                + quiet.to()
                + " cover no time; set 'to' to when sending may resume");
      }
      for (int c = 0; c < quiet.channels().size(); c++) {
        check.channel(quiet.channels().get(c), check.at(path + "/channels/" + c));
      }
    }
  }
}
