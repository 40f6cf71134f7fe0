package io.itinera.engine.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A load balancer as tests need one: it polls each backend's {@code /ready} on the management port
 * and sends only to the backends that answered 200 last time, as a Kubernetes Service or a cloud
 * load balancer with a health check does. A backend it cannot reach counts as not ready. Backends
 * come and go as pods do in a rolling restart ({@link #add}, {@link #remove}).
 */
public final class ReadinessBalancer implements AutoCloseable {

  /** One backend: its HTTP port (what clients send to) and its management port. */
  public record Backend(int httpPort, int managementPort) {}

  private final List<Backend> backends = new CopyOnWriteArrayList<>();
  private final Duration interval;
  private final Map<Backend, Boolean> ready = new ConcurrentHashMap<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Thread poller;
  private volatile boolean running = true;

  public ReadinessBalancer(List<Backend> backends, Duration interval) {
    this.interval = interval;
    backends.forEach(this::add);
    poller = new Thread(this::poll, "readiness-balancer");
    poller.setDaemon(true);
    poller.start();
  }

  /** A new backend, not ready until its first poll answers 200. */
  public void add(Backend backend) {
    ready.put(backend, false);
    backends.add(backend);
  }

  /** A backend that is gone for good (its node stopped): no longer polled. */
  public void remove(Backend backend) {
    backends.remove(backend);
    ready.remove(backend);
  }

  /** The HTTP ports of the backends that were ready at the last poll, in the backends' order. */
  public List<Integer> live() {
    List<Integer> ports = new ArrayList<>();
    for (Backend backend : backends) {
      if (ready.getOrDefault(backend, false)) {
        ports.add(backend.httpPort());
      }
    }
    return ports;
  }

  private void poll() {
    while (running) {
      for (Backend backend : backends) {
        boolean up = status(backend.managementPort(), "/ready") == 200;
        ready.computeIfPresent(backend, (b, was) -> up);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The status of {@code GET path} on {@code port}, or -1 when nothing answers within 3 s. */
  public static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
  }
}
