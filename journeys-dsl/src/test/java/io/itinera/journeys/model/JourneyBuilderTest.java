package io.itinera.journeys.model;

import static io.itinera.journeys.model.JourneyBuilder.absence;
import static io.itinera.journeys.model.JourneyBuilder.action;
import static io.itinera.journeys.model.JourneyBuilder.count;
import static io.itinera.journeys.model.JourneyBuilder.set;
import static io.itinera.journeys.model.JourneyBuilder.touchpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.itinera.journeys.parse.JourneyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class JourneyBuilderTest {

  @Test
  void builderProducesTheSameModelAsTheRunningShoesFile() throws IOException {
    Journey built =
        JourneyBuilder.journey("running-shoes")
            .description(
                "Browsing running shoes to buying them, caring for them, buying again and reviewing them.")
            .priority(10)
            .holdout(10)
            .enterOn("Product Viewed", "event.properties.category == 'running-shoes'")
            .reEntry(new ReEntryPolicy.AfterCooldown(Duration.ofDays(90)))
            .goal("purchase", "Order Completed", null, Duration.ofDays(30))
            .exitOn("Unsubscribed")
            .exitOn("Account Deleted")
            .capChannel("email", 3, Duration.ofDays(7))
            .offerCooldown(Duration.ofHours(24))
            .quietHours(
                List.of("sms"), LocalTime.of(21, 0), LocalTime.of(8, 0), QuietHours.CUSTOMER_ZONE)
            .stage(
                "awareness",
                s ->
                    s.description("A first look at running shoes.")
                        .on(touchpoint("Product Viewed").goTo("consideration")))
            .stage(
                "consideration",
                s ->
                    s.description(
                            "Comparing models; three views in 10 minutes without a cart earns a nudge.")
                        .on(
                            touchpoint("Product Added")
                                .then(
                                    set(
                                        "cart_product",
                                        "has(event.properties.name) ? event.properties.name"
                                            + " : 'your running shoes'"))
                                .goTo("decision"))
                        .on(
                            count("Product Viewed", 3, Duration.ofMinutes(10))
                                .then(
                                    action("web", "show", "discount-popup")
                                        .offer("running-10-off")
                                        .param("percent", "10"))))
            .stage(
                "decision",
                s ->
                    s.description(
                            "A pair in the cart; a purchase on any channel cancels the reminder.")
                        .on(touchpoint("Order Completed").goTo("onboarding"))
                        .on(
                            absence("Order Completed", Duration.ofMinutes(15))
                                .then(
                                    action("email", "send", "cart-reminder")
                                        .offer("free-shipping")
                                        .param(
                                            "product",
                                            "{{ customer.traits.cart_product"
                                                + " | default: 'your running shoes' }}")
                                        .content(
                                            "{{ customer.traits.first_name | default: 'Runner' }},"
                                                + " still thinking about {{"
                                                + " customer.traits.cart_product"
                                                + " | default: 'those running shoes' }}?",
                                            "Hi {{ customer.traits.first_name | default: \"there\""
                                                + " }},\n{{ customer.traits.cart_product | default:"
                                                + " \"Your pair\" }} is still in your cart, and"
                                                + " shipping is on us."))))
            .stage(
                "onboarding",
                s ->
                    s.description("Bought; care tips a day later, and a text when the order ships.")
                        .enter(action("email", "send", "shoe-care-tips").after(Duration.ofDays(1)))
                        .on(
                            touchpoint("Order Shipped")
                                .then(action("sms", "send", "order-shipped")))
                        .on(touchpoint("Order Completed").goTo("retention")))
            .stage(
                "retention",
                s ->
                    s.description("A repeat buyer.")
                        .enter(action("app", "push", "loyalty-welcome"))
                        .on(absence("Order Refunded", Duration.ofDays(14)).goTo("advocacy")))
            .stage(
                "advocacy",
                s ->
                    s.description("Happy with the shoes; invited to review them.")
                        .enter(action("email", "send", "review-invitation")))
            .build();
    Journey parsed =
        JourneyParser.parse(Files.readString(Path.of("../journeys/running-shoes.journey.yaml")))
            .journey();
    assertEquals(parsed, built);
  }

  @Test
  void triggerAndActionNamesDefaultToWhatTheyWatchAndRender() {
    Journey journey =
        JourneyBuilder.journey("names")
            .enterOn("A")
            .stage(
                "s",
                s ->
                    s.on(
                        count("Product Viewed", 3, Duration.ofMinutes(10))
                            .then(action("web", "show", "discount-popup"))))
            .build();
    Trigger trigger = journey.stages().get(0).on().get(0);
    assertEquals("3x Product Viewed in 10m", trigger.name());
    assertEquals("discount-popup", trigger.actions().get(0).name());
  }
}
