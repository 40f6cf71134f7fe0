package io.itinera.engine.gateway;

import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/** A value read from a request (a query parameter, a body), or the problem to answer instead. */
sealed interface Parsed<T> {

  /** Goes on with the value, or answers with the problem. */
  Route then(Function<T, Route> inner);

  record Valid<T>(T value) implements Parsed<T> {
    @Override
    public Route then(Function<T, Route> inner) {
      return inner.apply(value);
    }
  }

  record Invalid<T>(Problem problem) implements Parsed<T> {
    @Override
    public Route then(Function<T, Route> inner) {
      return problem.answer();
    }
  }
}
