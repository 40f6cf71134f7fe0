package io.itinera.journeys.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.journeys.decision.JourneyEvent.ActionSuppressed;
import io.itinera.journeys.decision.JourneyEvent.LedgerTrimmed;
import io.itinera.journeys.load.LoadedJourney;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Caps and offer cooldowns count the customer's whole ledger: every channel, every journey. */
class CapsTest {

  static final LoadedJourney NEWS =
      Timeline.load(
          """
      journey: news
      priority: 5
      entry: {event: Signed Up}
      caps:
        perChannel:
          - {channel: email, max: 3, per: 7d}
        acrossChannels:
          - {max: 4, per: 1d}
        offerCooldown: 24h
      stages:
        subscribed:
          on:
            - event: Article Read
              do: [{channel: email, type: send, template: digest}]
            - event: Deal Viewed
              do: [{channel: email, type: send, template: deal-mail, offer: deal}]
            - event: Deal Shared
              do: [{channel: web, type: show, template: deal-banner, offer: deal}]
            - event: Page Liked
              do: [{channel: web, type: show, template: like-thanks}]
      """);

  /** Sends e-mails of its own, with no cap of its own, from the same touchpoints. */
  static final LoadedJourney PROMO =
      Timeline.load(
          """
      journey: promo
      priority: 9
      entry: {event: Signed Up}
      stages:
        active:
          on:
            - event: Article Read
              do: [{channel: email, type: send, template: promo-mail}]
            - event: Deal Viewed
              do: [{channel: app, type: push, template: deal-push, offer: deal}]
            - event: Promo Opened
              do: [{channel: email, type: send, template: promo-mail}]
      """);

  static Timeline subscriber(LoadedJourney... journeys) {
    Timeline customer = new Timeline("reader-1", journeys);
    customer.identify(Map.of("consent", Map.of("email", true)));
    customer.track("Signed Up", "web");
    return customer;
  }

  @Test
  void fourthEmailInAWeekIsSuppressedByTheChannelCap() {
    Timeline customer = subscriber(NEWS);
    for (int day = 0; day < 4; day++) {
      customer.after(Duration.ofDays(1)).track("Article Read", "web");
    }
    assertEquals(List.of("email digest", "email digest", "email digest"), customer.sent());
    ActionSuppressed fourth = customer.events(ActionSuppressed.class).get(0);
    assertEquals(SuppressionReason.CHANNEL_CAP, fourth.reason());
    assertEquals("the cap of 3 email per 7d is reached", fourth.explanation());
  }

  /** Caps only its own actions: two a day, whichever channel. */
  static final LoadedJourney TIPS =
      Timeline.load(
          """
      journey: tips
      entry: {event: Signed Up}
      caps:
        perJourney:
          - {max: 2, per: 1d}
      stages:
        learning:
          on:
            - event: Article Read
              do: [{channel: email, type: send, template: tip-mail}]
            - event: Page Liked
              do: [{channel: web, type: show, template: tip-banner}]
      """);

  @Test
  void aJourneyCapCountsOnlyThatJourneysActionsOnEveryChannel() {
    Timeline customer = subscriber(TIPS, PROMO);
    customer.after(Duration.ofHours(1)).track("Article Read", "web");
    customer.after(Duration.ofHours(1)).track("Page Liked", "web");
    customer.after(Duration.ofHours(1)).track("Article Read", "web");
    assertEquals(
        List.of("email promo-mail", "email tip-mail", "web tip-banner", "email promo-mail"),
        customer.sent(),
        "promo's e-mails do not count towards tips' cap, nor are they held by it");
    assertEquals(List.of("tip-mail JOURNEY_CAP"), customer.suppressed());
    assertEquals(
        "the cap of 2 actions of journey tips per 1d is reached",
        customer.events(ActionSuppressed.class).get(0).explanation());
    customer.after(Duration.ofDays(1)).track("Article Read", "web");
    assertTrue(
        customer.sent().contains("email tip-mail")
            && customer.sent().stream().filter("email tip-mail"::equals).count() == 2);
  }

  @Test
  void theCapWindowSlides() {
    Timeline customer = subscriber(NEWS);
    for (int day = 0; day < 3; day++) {
      customer.after(Duration.ofDays(1)).track("Article Read", "web");
    }
    customer.after(Duration.ofDays(5)).track("Article Read", "web");
    assertEquals(4, customer.sent().size(), "the first e-mail is more than 7 days old");
  }

  @Test
  void aCapCountsEmailsFromEveryJourney() {
    Timeline customer = subscriber(NEWS, PROMO);
    for (int day = 0; day < 3; day++) {
      customer.after(Duration.ofDays(1)).track("Promo Opened", "email");
    }
    customer.after(Duration.ofDays(1)).track("Article Read", "web");
    assertEquals(
        List.of("email promo-mail", "email promo-mail", "email promo-mail", "email promo-mail"),
        customer.sent());
    // Full before this decision: the promo e-mail decided alongside is not what stopped the digest.
    assertEquals(List.of("digest CHANNEL_CAP"), customer.suppressed());
  }

  @Test
  void sameOfferNeverTwiceWithin24HoursAcrossChannels() {
    Timeline customer = subscriber(NEWS);
    customer.after(Duration.ofHours(1)).track("Deal Viewed", "web");
    customer.after(Duration.ofHours(22)).track("Deal Shared", "app");
    assertEquals(List.of("email deal-mail"), customer.sent());
    ActionSuppressed banner = customer.events(ActionSuppressed.class).get(0);
    assertEquals(SuppressionReason.OFFER_COOLDOWN, banner.reason());
    assertEquals(
        "offer deal went out on email at 2026-11-23T15:00:00Z; the cooldown is 1d",
        banner.explanation());
    customer.after(Duration.ofHours(2)).track("Deal Shared", "app");
    assertEquals(List.of("email deal-mail", "web deal-banner"), customer.sent());
  }

  @Test
  void theCooldownCountsOffersSentByOtherJourneys() {
    Timeline customer = subscriber(NEWS, PROMO);
    customer.after(Duration.ofHours(1)).track("Deal Viewed", "web");
    assertEquals(
        List.of("app deal-push"), customer.sent(), "promo has the higher priority and goes first");
    assertEquals(List.of("deal-mail LOWER_PRIORITY"), customer.suppressed());
    customer.after(Duration.ofHours(1)).track("Deal Shared", "web");
    assertEquals(
        List.of("deal-mail LOWER_PRIORITY", "deal-banner OFFER_COOLDOWN"), customer.suppressed());
  }

  @Test
  void theCapAcrossChannelsLimitsAllChannelsTogether() {
    Timeline customer = subscriber(NEWS);
    for (int like = 0; like < 3; like++) {
      customer.after(Duration.ofMinutes(10)).track("Page Liked", "web");
    }
    customer.after(Duration.ofMinutes(10)).track("Article Read", "web");
    customer.after(Duration.ofMinutes(10)).track("Page Liked", "web");
    assertEquals(4, customer.sent().size());
    assertEquals(List.of("like-thanks GLOBAL_CAP"), customer.suppressed());
  }

  @Test
  void aCapFilledInTheSameDecisionByAHigherPriorityJourneyIsLowerPriority() {
    Timeline customer = subscriber(NEWS, PROMO);
    customer.after(Duration.ofDays(1)).track("Article Read", "web");
    customer.after(Duration.ofDays(1)).track("Page Liked", "web");
    customer.after(Duration.ofHours(1)).track("Article Read", "web");
    List<ActionSuppressed> suppressed = customer.events(ActionSuppressed.class);
    assertEquals(1, suppressed.size());
    assertEquals(SuppressionReason.LOWER_PRIORITY, suppressed.get(0).reason());
    assertEquals(
        "the cap of 3 email per 7d is reached by promo, which has priority over news",
        suppressed.get(0).explanation());
  }

  @Test
  void theLedgerKeepsNoMoreThanTheLongestCapWindow() {
    Timeline customer = subscriber(NEWS);
    customer.after(Duration.ofHours(1)).track("Article Read", "web");
    customer.after(Duration.ofDays(1)).track("Article Read", "web");
    assertEquals(2, customer.state().ledger().size());
    customer.after(Duration.ofDays(6)).track("Page Liked", "web");
    assertEquals(1, customer.events(LedgerTrimmed.class).size());
    assertEquals(
        2, customer.state().ledger().size(), "the first e-mail left, the like-thanks came");
    assertTrue(
        customer.state().ledger().stream()
            .allMatch(e -> e.at().isAfter(customer.now().minus(Duration.ofDays(7)))));
  }
}
