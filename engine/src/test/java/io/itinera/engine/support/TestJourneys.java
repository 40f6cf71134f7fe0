package io.itinera.engine.support;

/** Journey files the engine's tests deploy. */
public final class TestJourneys {

  private TestJourneys() {}

  /**
   * A cart reminder: a customer who adds a product enters, and gets an e-mail with {@code template}
   * when no order follows within {@code within} (a DSL duration such as {@code 15m}); an order
   * moves them to {@code bought}, which cancels the reminder.
   */
  public static String cartReminder(String name, int version, String within, String template) {
    return """
        journey: %s
        version: %d
        entry:
          event: Product Added
        stages:
          decision:
            on:
              - event: Order Completed
                goto: bought
              - absence: {event: Order Completed, within: %s}
                do:
                  - {channel: email, type: send, template: %s}
          bought: {}
        """
        .formatted(name, version, within, template);
  }

  /** Every customer who signs up gets a welcome on the web at once, in the reply to the write. */
  public static final String WELCOME =
      """
      journey: welcome
      version: 1
      entry:
        event: Signed Up
      stages:
        greeted:
          enter:
            - {channel: web, type: show, template: welcome}
      """;
}
