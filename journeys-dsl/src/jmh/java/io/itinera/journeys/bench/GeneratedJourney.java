package io.itinera.journeys.bench;

/**
 * A large but realistic journey file: every stage has an enter action and three triggers (a
 * conditioned touchpoint that moves on, a count, an absence), so loading exercises the parser, the
 * validator's reachability walk and one CEL compilation per distinct condition.
 */
final class GeneratedJourney {

  private GeneratedJourney() {}

  static String withStages(int stages) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("journey: generated\nversion: 1\n")
        .append("entry:\n  event: Product Viewed\n  when: \"event.properties.category == 'running-shoes'\"\n")
        .append("exit:\n  - event: Unsubscribed\n")
        .append("caps:\n  perChannel:\n    - {channel: email, max: 3, per: 7d}\n  offerCooldown: 24h\n")
        .append("stages:\n");
    for (int i = 0; i < stages; i++) {
      String next = i + 1 < stages ? "stage-" + (i + 1) : "stage-0";
      yaml.append("  stage-").append(i).append(":\n")
          .append("    enter:\n")
          .append("      - {channel: email, type: send, template: welcome-").append(i).append(", delay: 1h}\n")
          .append("    on:\n")
          .append("      - event: Product Added\n")
          .append("        when: \"event.properties.price > ").append(i).append(".0 && customer.traits.tier == 'gold'\"\n")
          .append("        goto: ").append(next).append('\n')
          .append("      - count: {event: Product Viewed, atLeast: 3, within: 10m}\n")
          .append("        when: \"customer.counters['Product Viewed'] >= ").append(i).append("\"\n")
          .append("        do: [{channel: web, type: show, template: popup-").append(i).append(", offer: offer-").append(i).append("}]\n")
          .append("      - absence: {event: Order Completed, within: 15m}\n")
          .append("        do: [{channel: email, type: send, template: reminder-").append(i).append("}]\n");
    }
    return yaml.toString();
  }
}
