package io.itinera.engine.console;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The console's files, from the engine's jar: its page and scripts at {@code /console}, the
 * WebJars' libraries (Chart.js, Swagger UI) below {@code /console/webjars}, and the API reference
 * at {@code /docs} (Swagger UI over the docs/openapi.yaml the build copies in).
 *
 * <p>Nothing here reads data or checks a key: the page calls the {@code /v1} API with the key the
 * user typed, so the API's scopes and audit log apply to the console as to any client
 * (docs/console.md). Every answer carries a Content-Security-Policy that allows scripts and styles
 * from this origin's files only: no inline script can run, so text that reaches a page from a
 * customer's traits cannot become code.
 */
public final class ConsoleRoutes {

  private static final String BASE = "io/itinera/engine/console/";

  /**
   * {@code img-src data:} for the icons Swagger UI embeds in its stylesheet; nothing else leaves
   * 'self'.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final List<HttpHeader> SECURITY_HEADERS =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Cache-Control", "no-cache"));

  private ConsoleRoutes() {}

  /** {@code /console...} and {@code /docs...}, GET only, beside the API's {@code /v1}. */
  public static Route routes() {
    Route console =
        concat(
            pathEndOrSingleSlash(() -> getFromResource(BASE + "index.html")),
            pathPrefix("assets", () -> getFromResourceDirectory(BASE + "assets")),
            pathPrefix("webjars", () -> getFromResourceDirectory("META-INF/resources/webjars")));
    Route docs =
        concat(
            pathEndOrSingleSlash(() -> getFromResource(BASE + "docs.html")),
            path(
                "openapi.yaml",
                () ->
                    getFromResource(
                        BASE + "docs/openapi.yaml",
                        MediaTypes.applicationWithOpenCharset("yaml")
                            .toContentType(
                                org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8))));
    // The method is checked below the prefixes: a POST elsewhere stays the API's 404.
    return concat(
        pathPrefix("console", () -> secured(console)), pathPrefix("docs", () -> secured(docs)));
  }

  private static Route secured(Route files) {
    return get(() -> respondWithHeaders(SECURITY_HEADERS, () -> files));
  }
}
