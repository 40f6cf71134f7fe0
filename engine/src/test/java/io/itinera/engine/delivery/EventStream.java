package io.itinera.engine.delivery;

import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A Server-Sent Events client for tests: reads events off a stream route as they come. */
final class EventStream implements AutoCloseable {

  record Event(String id, String type, String data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;
  private final CompletableFuture<Void> reader;

  EventStream(int port, String path, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", basic(READ_KEY))
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    response =
        HttpClient.newHttpClient()
            .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
            .get(10, TimeUnit.SECONDS);
    reader = CompletableFuture.runAsync(this::read);
  }

  String contentType() {
    String type = response.headers().firstValue("Content-Type").orElse("");
    int parameters = type.indexOf(';');
    return parameters < 0 ? type : type.substring(0, parameters);
  }

  private void read() {
    String[] current = new String[3];
    response
        .body()
        .forEach(
            line -> {
              if (line.isEmpty()) {
                if (current[2] != null) {
                  events.add(new Event(current[0], current[1], current[2]));
                }
                current[0] = current[1] = current[2] = null;
              } else if (line.startsWith("id:")) {
                current[0] = line.substring(3).strip();
              } else if (line.startsWith("event:")) {
                current[1] = line.substring(6).strip();
              } else if (line.startsWith("data:")) {
                current[2] = line.substring(5).strip();
              }
            });
  }

  Event next(Duration within) throws InterruptedException {
    Event event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("No event within " + within);
    }
    return event;
  }

  @Override
  public void close() {
    response.body().close();
    reader.cancel(true);
  }
}
