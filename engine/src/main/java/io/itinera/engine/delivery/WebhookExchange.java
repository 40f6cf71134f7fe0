package io.itinera.engine.delivery;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * What passes between a webhook sender and a receiver, below the delivery's bookkeeping: the
 * connection made only to a checked address, the answer read (its error body bounded), and the
 * words a failure is shown in. Everything a receiver sends back that ends up in {@code lastError}
 * goes through {@link #printable}.
 */
final class WebhookExchange {

  /** How much of a receiver's error body is read. */
  static final int MAX_ERROR_BODY = 4096;

  /** How much of a receiver's text is kept in {@code lastError}. */
  static final int MAX_ERROR_ECHO = 512;

  /** A response's status, Retry-After and the start of its body (null for a 2xx). */
  record Answer(int status, String retryAfter, String body) {}

  private WebhookExchange() {}

  /**
   * TCP to the address the receiver's host resolves to at this connection, once {@code addresses}
   * allowed it: the connection goes to exactly the address checked, so a name that resolved to a
   * public address at PUT and to 127.0.0.1 now is refused before any byte is sent (DNS rebinding).
   * TLS still verifies the URL's host name. The lookup blocks, hence {@code lookups}.
   */
  static ClientTransport checkedTransport(ReceiverAddresses addresses, Executor lookups) {
    return ClientTransport.withCustomResolver(
        (host, port) ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return new InetSocketAddress(addresses.resolve(host), (Integer) port);
                  } catch (UnknownHostException e) {
                    throw new CompletionException(e);
                  }
                },
                lookups));
  }

  /** Reads the answer: a 2xx's entity is discarded, an error's first bytes kept, printable. */
  static CompletionStage<Answer> answer(HttpResponse response, ActorSystem<?> system) {
    int status = response.status().intValue();
    String retryAfter = response.getHeader("Retry-After").map(h -> h.value()).orElse(null);
    if (status >= 200 && status < 300) {
      return response
          .discardEntityBytes(system)
          .completionStage()
          .thenApply(done -> new Answer(status, retryAfter, null));
    }
    // The start of the body only: a receiver's error page may be large, and only its first
    // MAX_ERROR_ECHO characters are shown; the connection is dropped past MAX_ERROR_BODY bytes.
    AtomicLong read = new AtomicLong();
    return response
        .entity()
        .getDataBytes()
        .takeWhile(chunk -> read.getAndAdd(chunk.size()) < MAX_ERROR_BODY)
        .runFold(
            ByteString.emptyByteString(), ByteString::concat, Materializer.matFromSystem(system))
        .thenApply(
            bytes ->
                new Answer(
                    status,
                    retryAfter,
                    printable(bytes.take(MAX_ERROR_BODY).utf8String(), MAX_ERROR_ECHO)))
        .exceptionally(unread -> new Answer(status, retryAfter, null));
  }

  /** The refusal of the receiver's address, if that is why the request failed. */
  static Optional<ReceiverAddresses.Refused> refusedIn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ReceiverAddresses.Refused refused) {
        return Optional.of(refused);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /** A failed request in words for {@code lastError}; both kinds of timeout read the same. */
  static String describe(Throwable failure, Duration timeout) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return "no response within " + timeout.toMillis() + " ms";
    }
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (message.contains("idle-timeout") || message.contains("idle timeout")) {
      return "no response within " + timeout.toMillis() + " ms";
    }
    return printable(message, MAX_ERROR_ECHO);
  }

  /**
   * A receiver's text fit to show in {@code lastError}: control characters (terminal escapes, line
   * breaks that forge log lines), Unicode format and separator characters become spaces, runs of
   * spaces one, and at most {@code max} characters are kept.
   */
  static String printable(String text, int max) {
    StringBuilder clean = new StringBuilder(Math.min(text.length(), max + 1));
    boolean space = false;
    for (int i = 0; i < text.length() && clean.length() <= max; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      int type = Character.getType(c);
      boolean blank =
          Character.isISOControl(c)
              || Character.isWhitespace(c)
              || type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR;
      if (blank) {
        space = true;
        continue;
      }
      if (space && clean.length() > 0) {
        clean.append(' ');
      }
      space = false;
      clean.appendCodePoint(c);
    }
    return DeliveryRows.truncate(clean.toString(), max);
  }
}
