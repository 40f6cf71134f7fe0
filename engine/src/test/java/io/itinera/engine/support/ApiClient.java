package io.itinera.engine.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Real HTTP calls to a running node, each held to docs/openapi.yaml: the response always, the
 * request too unless the test sends a deliberately invalid one. So the document cannot drift from
 * the code.
 */
public final class ApiClient {

  /** The development keys: ingest (Segment's write key), read and admin. */
  public static final String WRITE_KEY = "dev-write-key";

  public static final String READ_KEY = "dev-read-key";
  public static final String ADMIN_KEY = "dev-admin-key";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final OpenApiInteractionValidator OPENAPI =
      OpenApiInteractionValidator.createForSpecificationUrl(
              Path.of("..", "docs", "openapi.yaml").toAbsolutePath().normalize().toUri().toString())
          .build();

  private final HttpClient http = HttpClient.newHttpClient();
  private final IntSupplier port;

  public ApiClient(int port) {
    this(() -> port);
  }

  /** A client for a node started later: its port is asked for at each call. */
  public ApiClient(IntSupplier port) {
    this.port = port;
  }

  /** A response with its body as text and, when it is JSON, as a tree. */
  public record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON: " + body, e);
      }
    }

    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }
  }

  public static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  /** How much of an exchange is held to the OpenAPI document. */
  public enum Check {
    /** A valid request to a documented route. */
    REQUEST_AND_RESPONSE,
    /** A deliberately invalid request to a documented route: only the response must conform. */
    RESPONSE,
    /** A route the document does not have (unknown path, wrong method). */
    NOTHING
  }

  /** A valid request: both it and its response are checked against the OpenAPI document. */
  public Reply post(String path, String json) {
    return send(
        "POST", path, json, "application/json", basic(WRITE_KEY), Check.REQUEST_AND_RESPONSE);
  }

  public Reply send(
      String method,
      String path,
      String body,
      String contentType,
      String authorization,
      Check check) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
    Reply reply =
        new Reply(
            response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(""),
            response.body(),
            response);
    checkAgainstOpenApi(method, path, body, contentType, authorization, reply, check);
    return reply;
  }

  /** Deploys a new journey with the admin key; its reply is the 201 of a first deployment. */
  public Reply deployJourney(String name, String yaml) {
    return send(
        "PUT", "/v1/journeys/" + name, yaml, "application/yaml", basic(ADMIN_KEY), Check.RESPONSE);
  }

  public Reply get(String path, String authorization) {
    return send("GET", path, null, null, authorization, Check.REQUEST_AND_RESPONSE);
  }

  private static void checkAgainstOpenApi(
      String method,
      String path,
      String body,
      String contentType,
      String authorization,
      Reply reply,
      Check check) {
    if (check == Check.NOTHING) {
      return;
    }
    SimpleResponse.Builder response =
        SimpleResponse.Builder.status(reply.status()).withBody(reply.body());
    if (!reply.contentType().isEmpty()) {
      response.withContentType(reply.contentType());
    }
    reply.raw().headers().map().forEach((name, values) -> response.withHeader(name, values));
    ValidationReport report;
    // The validator matches routes on the path alone; the query goes in as parameters.
    String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (check == Check.REQUEST_AND_RESPONSE) {
      SimpleRequest.Builder request = new SimpleRequest.Builder(method, route);
      if (path.contains("?")) {
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
          String[] nameValue = pair.split("=", 2);
          request.withQueryParam(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
        }
      }
      if (body != null) {
        request.withBody(body);
      }
      if (contentType != null) {
        request.withContentType(contentType);
      }
      if (authorization != null) {
        request.withAuthorization(authorization);
      }
      report = OPENAPI.validate(request.build(), response.build());
    } else {
      report = OPENAPI.validateResponse(route, Request.Method.valueOf(method), response.build());
    }
    assertFalse(
        report.hasErrors(),
        () ->
            method
                + " "
                + path
                + " disagrees with docs/openapi.yaml:\n"
                + report
                + "\nbody: "
                + reply.body());
  }
}
