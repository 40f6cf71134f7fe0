package io.itinera.loadtest.analytics;

/** Customers of one arm and how many of them were made to convert. */
record Tally(long customers, long converted) {

  static final Tally NONE = new Tally(0, 0);

  Tally plus(Tally other) {
    return new Tally(customers + other.customers, converted + other.converted);
  }

  double rate() {
    return customers == 0 ? 0 : (double) converted / customers;
  }
}
