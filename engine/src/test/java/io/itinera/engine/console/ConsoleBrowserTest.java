package io.itinera.engine.console;

import static io.itinera.engine.support.ApiClient.ADMIN_KEY;
import static io.itinera.engine.support.ApiClient.READ_KEY;
import static io.itinera.engine.support.ApiClient.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.ItineraNode;
import io.itinera.engine.support.ApiClient;
import io.itinera.engine.support.ApiClient.Check;
import io.itinera.engine.support.ApiClient.Reply;
import io.itinera.engine.support.Chromium;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import io.itinera.engine.support.WebhookReceiver;
import io.itinera.engine.support.WebhookReceiver.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium, driven by Selenium through
 * chromium-driver, against a node on PostgreSQL fed through the API. Signing in, the journey list's
 * counts (held to the analytics API's), the server-drawn diagram with its counts, a customer's
 * suppressed action and why, retrying a dead delivery after the confirmation, a wrong key, a read
 * key's read-only pages, the Content-Security-Policy (sent, and not one violation in the browser's
 * log) and Swagger UI at /docs. Screenshots go to target/console-screenshots for review.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  static final String JOURNEY =
      """
      journey: console-shoes
      version: 1
      entry:
        event: Product Viewed
      goal:
        name: purchase
        event: Order Completed
      stages:
        browsing:
          on:
            - event: Product Added
              goto: cart
        cart:
          on:
            - event: Order Completed
              goto: bought
            - event: Cart Viewed
              do:
                - {channel: email, type: send, template: cart-reminder}
                - {channel: crm, type: send, template: cart-note}
        bought:
          on:
            - event: Review Written
      """;

  /** A second journey, which the editor test changes and deploys. */
  static final String DRAFT =
      """
      journey: console-draft
      version: 1
      entry:
        event: Draft Started
      stages:
        draft:
          on:
            - event: Draft Done
              do:
                - {channel: web, type: show, template: done}
      """;

  private TestDatabase database;
  private WebhookReceiver receiver;
  private ItineraNode node;
  private ApiClient api;
  private Chromium chromium;
  private WebDriver browser;
  private String base;
  private String crmAction;

  @BeforeAll
  void start() throws Exception {
    // .ci/run installs chromium and chromium-driver; a machine set up by hand may lack them.
    Assumptions.assumeTrue(
        Chromium.installed(),
        "chromium and chromium-driver are not installed (apt-get install chromium"
            + " chromium-driver)");
    database = TestDatabase.createFresh("console_browser");
    receiver = new WebhookReceiver(SECRET);
    receiver.script("/crm", (attempt, request) -> Answer.status(500));
    Map<String, Object> settings = new HashMap<>();
    settings.put("itinera.db.url", database.url());
    settings.put("itinera.delivery.retry.schedule", List.of("200ms", "200ms", "200ms"));
    settings.put("itinera.delivery.poll-interval", "100ms");
    settings.put("itinera.delivery.channels.crm.url", receiver.url("/crm"));
    settings.put("itinera.delivery.channels.crm.secret", SECRET);
    node = TestNode.start(settings);
    api = new ApiClient(node.httpPort());
    assertEquals(201, api.deployJourney("console-shoes", JOURNEY).status());
    assertEquals(201, api.deployJourney("console-draft", DRAFT).status());
    base = "http://127.0.0.1:" + node.httpPort();
    // A small population: six look, four add to the cart, one buys; cleo, who never opted in to
    // e-mail, views her cart: the e-mail is suppressed, the CRM note dies at a failing receiver.
    for (int i = 0; i < 6; i++) {
      track("shopper-" + i, "Product Viewed");
    }
    for (int i = 0; i < 4; i++) {
      track("shopper-" + i, "Product Added");
    }
    track("shopper-0", "Order Completed");
    track("cleo", "Product Viewed");
    track("cleo", "Product Added");
    Reply viewed = track("cleo", "Cart Viewed");
    crmAction = viewed.json().get("actions").get(0).get("id").asText();
    await(
        "the CRM note is a dead letter",
        Duration.ofSeconds(15),
        () -> "dead".equals(deliveryStatus(crmAction)));

    chromium = Chromium.start(SCREENSHOTS);
    browser = chromium.driver();
  }

  @AfterAll
  void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      TestNode.stop(node);
    }
    if (receiver != null) {
      receiver.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void anAdminSeesCountsDiagramAndWhyAndRetriesADeadDelivery() throws Exception {
    JsonNode report =
        awaitReport(
            r ->
                stage(r, "browsing").path("entered").asLong() == 7
                    && stage(r, "cart").path("entered").asLong() == 5);

    // A wrong key is refused on the form, and nothing is kept.
    signedOut();
    signIn("not-a-key");
    WebElement error = chromium.waitFor(By.id("sign-in-error"));
    assertTrue(error.getText().contains("not valid"), error.getText());
    assertTrue(browser.findElement(By.id("page")).getAttribute("hidden") != null);
    chromium.screenshot("sign-in-wrong-key");

    // The admin key: the list shows each stage's customers and today's entries, as analytics says.
    signIn(ADMIN_KEY);
    chromium.waitFor(By.cssSelector("#journeys li[data-stage='browsing'] b"));
    for (JsonNode stage : report.get("funnel")) {
      long inStage =
          stage.get("entered").asLong()
              - stage.get("movedOn").asLong()
              - stage.get("dropped").asLong();
      String shown =
          browser
              .findElement(
                  By.cssSelector(
                      "#journeys li[data-stage='" + stage.get("stage").asText() + "'] b"))
              .getText();
      assertEquals(String.valueOf(inStage), shown, "in " + stage.get("stage"));
    }
    assertEquals(
        report.get("funnel").get(0).get("entered").asText(),
        browser
            .findElement(By.cssSelector("#journeys .entries-today[data-journey='console-shoes']"))
            .getText());
    chromium.screenshot("journeys");

    // The journey: the server-drawn diagram with its counts, the funnel, the YAML.
    browser.findElement(By.linkText("console-shoes")).click();
    WebElement count =
        chromium.waitFor(By.cssSelector("#diagram svg g[data-stage='browsing'] .stage-count"));
    assertEquals("7 entered", count.getText());
    // Fetched again every 5 s: the image in place now is a new one.
    new WebDriverWait(browser, Duration.ofSeconds(8)).until(ExpectedConditions.stalenessOf(count));
    assertEquals(
        "7 entered",
        chromium
            .waitFor(By.cssSelector("#diagram svg g[data-stage='browsing'] .stage-count"))
            .getText());
    String arrows =
        browser.findElements(By.cssSelector("#diagram svg .transition-count")).stream()
            .map(WebElement::getText)
            .toList()
            .toString();
    assertTrue(arrows.contains("Product Added \u00b7 5"), arrows);
    chromium.waitFor(By.id("funnel-chart"));
    assertTrue(chromium.waitFor(By.id("yaml")).getText().contains("journey: console-shoes"));
    chromium.screenshot("journey");

    // The customer: the suppressed e-mail, and why.
    browser.get(base + "/console/#/customer/cleo");
    WebElement decisions = chromium.waitFor(By.cssSelector("#decisions .explanation"));
    String why =
        browser.findElements(By.cssSelector("#decisions .explanation")).stream()
            .map(WebElement::getText)
            .toList()
            .toString();
    assertTrue(why.contains("suppressed send email cart-reminder: NO_CONSENT"), why);
    assertTrue(decisions.isDisplayed());
    assertTrue(
        chromium.waitFor(By.cssSelector("#active-journeys")).getText().contains("cart"),
        "cleo is in the cart stage");
    chromium.screenshot("customer");

    // The dead delivery, retried after the confirmation, reaches the fixed receiver.
    receiver.script("/crm", (attempt, request) -> Answer.ok());
    browser.get(base + "/console/#/channels");
    WebElement dead = chromium.waitFor(By.cssSelector("#channels .dead-count[data-channel='crm']"));
    assertEquals("1", dead.getText());
    dead.click();
    chromium.waitFor(By.linkText(crmAction)).click();
    assertTrue(
        chromium.waitFor(By.id("cloudevent")).getText().contains("\"specversion\": \"1.0\""));
    chromium.waitFor(By.id("retry")).click();
    chromium.waitFor(By.id("confirm-yes"));
    chromium.screenshot("retry-confirmation");
    browser.findElement(By.id("confirm-yes")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("retry-outcome"), "Queued for another attempt."));
    await(
        "the retried delivery is delivered",
        Duration.ofSeconds(10),
        () -> "delivered".equals(deliveryStatus(crmAction)));
    chromium.screenshot("retried");

    // A read key: journeys by name only, the channels page refused, no retry button.
    browser.findElement(By.id("sign-out")).click();
    signIn(READ_KEY);
    assertTrue(chromium.waitFor(By.id("journey-name")).isDisplayed());
    browser.get(base + "/console/#/delivery/" + crmAction);
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("page"), "admin key"));
    assertTrue(browser.findElements(By.id("retry")).isEmpty(), "no retry for a read key");

    chromium.assertNoContentSecurityViolations();
    assertTrue(
        chromium.log().stream().anyMatch(line -> line.contains("401")),
        "the browser's log is read: the wrong key's 401 is in it: " + chromium.log());
  }

  /**
   * The candidate skips the cart: those who add go straight to "bought" (a wishlist leads there).
   */
  static final String SKIP_THE_CART =
      JOURNEY
          .replace("version: 1", "version: 2")
          .replace(
              "    - event: Product Added\n        goto: cart",
              "    - event: Product Added\n        goto: bought\n"
                  + "      - event: Wishlist Added\n        goto: cart");

  @Test
  void aReplayComparesACandidateWithTheDeployedVersionAndChangesNothing() {
    assertTrue(SKIP_THE_CART.contains("goto: bought\n      - event: Wishlist"), SKIP_THE_CART);
    Reply reply =
        api.send(
            "POST",
            "/v1/journeys/console-shoes/replay?sample=100",
            SKIP_THE_CART,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(200, reply.status(), reply.body());
    JsonNode report = reply.json();
    assertEquals(7, report.get("customers").asInt(), reply.body());
    assertEquals(1, report.get("deployedVersion").asInt());
    assertEquals(2, report.get("candidateVersion").asInt());
    assertEquals(
        Map.of("browsing", List.of(7L, 7L), "cart", List.of(5L, 0L), "bought", List.of(1L, 5L)),
        counts(report.get("stages")));
    assertEquals(Map.of("crm/cart-note", List.of(1L, 0L)), counts(report.get("actions")));
    assertEquals(Map.of("NO_CONSENT", List.of(1L, 0L)), counts(report.get("suppressed")));
    assertEquals(5, report.get("pathsDiffering").asInt(), reply.body());
    JsonNode cleo = null;
    for (JsonNode example : report.get("examples")) {
      if (example.get("customerId").asText().equals("cleo")) {
        cleo = example;
      }
    }
    assertEquals("[\"browsing\",\"cart\"]", String.valueOf(cleo.get("deployed")), reply.body());
    assertEquals("[\"browsing\",\"bought\"]", String.valueOf(cleo.get("candidate")));

    JsonNode progress = api.get("/v1/journeys/console-shoes/replay", basic(ADMIN_KEY)).json();
    assertFalse(progress.get("running").asBoolean(), progress.toString());
    assertEquals(7, progress.get("replayed").asInt(), progress.toString());
    assertTrue(progress.get("of").asInt() >= 7, progress.toString());

    // Named customers only; and nothing was deployed or sent.
    JsonNode named =
        api.send(
                "POST",
                "/v1/journeys/console-shoes/replay?customers=shopper-5,cleo",
                SKIP_THE_CART,
                "application/yaml",
                basic(ADMIN_KEY),
                Check.REQUEST_AND_RESPONSE)
            .json();
    assertEquals(2, named.get("customers").asInt(), named.toString());
    assertEquals(
        1, api.get("/v1/journeys/console-shoes", basic(ADMIN_KEY)).json().get("version").asInt());

    Reply broken =
        api.send(
            "POST",
            "/v1/journeys/console-shoes/replay",
            JOURNEY.replace("goto: cart", "goto: nowhere"),
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertEquals(422, broken.status(), broken.body());
    assertTrue(broken.json().get("errors").get(0).has("line"), broken.body());
    assertEquals(
        403,
        api.send(
                "POST",
                "/v1/journeys/console-shoes/replay",
                SKIP_THE_CART,
                "application/yaml",
                basic(READ_KEY),
                Check.RESPONSE)
            .status());
  }

  @Test
  void theEditorShowsALocatedErrorAndTheReplayShowsTheDifference() throws Exception {
    signedOut();
    signIn(ADMIN_KEY);
    chromium.waitFor(By.id("sign-out"));
    browser.get(base + "/console/#/edit/console-shoes");
    WebElement editor = chromium.waitFor(By.id("editor"));
    chromium.waitFor(By.id("check-ok"));
    setEditor(JOURNEY.replace("goto: cart", "goto: nowhere"));
    WebElement error =
        new WebDriverWait(browser, Duration.ofSeconds(10))
            .until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#errors .problem")));
    assertTrue(
        error.getText().matches("console-shoes\\.journey\\.yaml:\\d+:\\d+: .*nowhere.*"),
        error.getText());
    chromium.screenshot("editor-error");

    setEditor(SKIP_THE_CART);
    chromium.waitFor(By.id("check-ok"));
    // The edit's diagram: "Wishlist Added" leads to the cart only in the candidate.
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("edit-diagram"), "Wishlist Added"));
    browser.findElement(By.id("replay")).click();
    WebElement summary = chromium.waitFor(By.id("replay-summary"));
    assertTrue(summary.getText().startsWith("7 customers"), summary.getText());
    String stages = chromium.waitFor(By.id("replay-stages")).getText();
    assertTrue(stages.contains("cart 5 0 -5"), stages);
    assertTrue(stages.contains("bought 1 5 4"), stages);
    chromium.screenshot("replay");
    assertEquals(editor, browser.findElement(By.id("editor")));

    // A fixed version of another journey, deployed from the editor after the confirmation.
    browser.get(base + "/console/#/edit/console-draft");
    chromium.waitFor(By.id("check-ok"));
    setEditor(
        DRAFT.replace("version: 1", "version: 2").replace("template: done", "template: finished"));
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("check-ok"), "version 2"));
    browser.findElement(By.id("deploy")).click();
    chromium.waitFor(By.id("confirm-yes")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.id("deploy-outcome"), "Version 2: deployed."));
    JsonNode draft = api.get("/v1/journeys/console-draft", basic(ADMIN_KEY)).json();
    assertEquals(2, draft.get("version").asInt());
    assertTrue(draft.get("source").asText().contains("template: finished"));
    chromium.assertNoContentSecurityViolations();
  }

  /** Replaces the editor's text as typing would, firing its input event. */
  private void setEditor(String text) {
    chromium.script(
        "const e = document.getElementById('editor'); e.value = arguments[0];"
            + " e.dispatchEvent(new Event('input'));",
        text);
  }

  private static Map<String, List<Long>> counts(JsonNode rows) {
    Map<String, List<Long>> counts = new HashMap<>();
    for (JsonNode row : rows) {
      counts.put(
          row.get("key").asText(),
          List.of(row.get("deployed").asLong(), row.get("candidate").asLong()));
    }
    return counts;
  }

  @Test
  void consolePagesCarryAStrictContentSecurityPolicy() {
    for (String path : List.of("/console/", "/console/assets/console.js", "/docs")) {
      Reply reply = api.send("GET", path, null, null, null, Check.NOTHING);
      assertEquals(200, reply.status(), path);
      String policy = reply.header("Content-Security-Policy").orElse("");
      assertTrue(policy.contains("script-src 'self'"), path + ": " + policy);
      assertTrue(policy.contains("frame-ancestors 'none'"), policy);
      assertFalse(policy.contains("unsafe-inline"), policy);
      assertEquals("nosniff", reply.header("X-Content-Type-Options").orElse(""));
      assertEquals("no-referrer", reply.header("Referrer-Policy").orElse(""));
      assertEquals("DENY", reply.header("X-Frame-Options").orElse(""));
    }
    Reply script = api.send("GET", "/console/assets/console.js", null, null, null, Check.NOTHING);
    assertTrue(script.contentType().contains("javascript"), script.contentType());
    for (String escape :
        List.of(
            "/console/assets/..%2F..%2F..%2F..%2F..%2Fapplication.conf",
            "/console/assets/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/application.conf",
            "/console/webjars/..%2F..%2F..%2Fapplication.conf",
            "/console/assets/../ConsoleRoutes.class")) {
      Reply refused = api.send("GET", escape, null, null, null, Check.NOTHING);
      assertEquals(404, refused.status(), escape + ": " + refused.body());
      assertFalse(refused.body().contains("pekko"), escape);
    }
    Reply page = api.send("GET", "/console/", null, null, null, Check.NOTHING);
    assertFalse(page.body().contains("<script>"), "no inline script");
    assertFalse(page.body().contains("style="), "no inline style");
  }

  @Test
  void docsServeSwaggerUiOverTheSpec() throws Exception {
    Reply spec = api.send("GET", "/docs/openapi.yaml", null, null, null, Check.NOTHING);
    assertEquals(200, spec.status());
    assertTrue(spec.body().startsWith("openapi: 3") || spec.body().contains("\nopenapi: 3"));
    assertTrue(spec.body().contains("/v1/journeys/{name}/diagram.svg:"));
    Reply bundle =
        api.send(
            "GET",
            "/console/webjars/swagger-ui/5.35.0/swagger-ui-bundle.js",
            null,
            null,
            null,
            Check.NOTHING);
    assertEquals(200, bundle.status());

    browser.get(base + "/docs");
    WebElement title = chromium.waitFor(By.cssSelector("#swagger-ui .info .title"));
    assertTrue(title.getText().contains("Itinera"), title.getText());
    assertFalse(browser.findElements(By.cssSelector("#swagger-ui .opblock")).isEmpty());
    chromium.screenshot("docs");
    chromium.assertNoContentSecurityViolations();
  }

  @Test
  void theDiagramIsAnSvgForAReadKey() {
    Reply svg = api.get("/v1/journeys/console-shoes/diagram.svg", basic(READ_KEY));
    assertEquals(200, svg.status(), svg.body());
    assertEquals("image/svg+xml", svg.contentType());
    assertTrue(svg.body().contains("data-stage=\"cart\""), svg.body());
    assertEquals(
        404,
        api.send(
                "GET",
                "/v1/journeys/nothing/diagram.svg",
                null,
                null,
                basic(READ_KEY),
                Check.RESPONSE)
            .status());
  }

  /** The console with nothing in its session storage. */
  private void signedOut() {
    browser.get(base + "/console/");
    chromium.script("sessionStorage.clear()");
    browser.navigate().refresh();
  }

  @Test
  void anEditIsDrawnForTheAdminKeyAndABrokenOneIsLocated() {
    Reply drawn =
        api.send(
            "POST",
            "/v1/journeys/console-shoes/diagram.svg",
            SKIP_THE_CART,
            "application/yaml",
            basic(ADMIN_KEY),
            Check.REQUEST_AND_RESPONSE);
    assertEquals(200, drawn.status(), drawn.body());
    assertTrue(drawn.body().contains(">Wishlist Added</text>"), drawn.body());
    assertFalse(drawn.body().contains("entered</text>"), "an edit has no counts");
    Reply broken =
        api.send(
            "POST",
            "/v1/journeys/console-shoes/diagram.svg",
            JOURNEY.replace("goto: cart", "goto: nowhere"),
            "application/yaml",
            basic(ADMIN_KEY),
            Check.RESPONSE);
    assertEquals(422, broken.status(), broken.body());
    assertEquals(
        403,
        api.send(
                "POST",
                "/v1/journeys/console-shoes/diagram.svg",
                SKIP_THE_CART,
                "application/yaml",
                basic(READ_KEY),
                Check.RESPONSE)
            .status());
  }

  private void signIn(String key) {
    WebElement input = chromium.waitFor(By.id("key"));
    input.clear();
    input.sendKeys(key);
    browser.findElement(By.id("sign-in-button")).click();
  }

  private Reply track(String customer, String event) {
    Reply reply =
        api.post("/v1/track", "{\"userId\":\"" + customer + "\",\"event\":\"" + event + "\"}");
    assertEquals(200, reply.status(), reply.body());
    return reply;
  }

  private String deliveryStatus(String id) {
    Reply reply = api.get("/v1/deliveries/" + id, basic(ADMIN_KEY));
    return reply.status() == 404 ? "not queued" : reply.json().get("status").asText();
  }

  private static JsonNode stage(JsonNode report, String name) {
    for (JsonNode stage : report.get("funnel")) {
      if (stage.get("stage").asText().equals(name)) {
        return stage;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private JsonNode awaitReport(java.util.function.Predicate<JsonNode> done) throws Exception {
    Instant until = Instant.now().plusSeconds(15);
    JsonNode report = null;
    while (Instant.now().isBefore(until)) {
      report = api.get("/v1/journeys/console-shoes/analytics", basic(READ_KEY)).json();
      if (done.test(report)) {
        return report;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("analytics did not count the population: " + report);
  }

  private static void await(String what, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    Instant until = Instant.now().plus(within);
    while (Instant.now().isBefore(until)) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Not within " + within + ": " + what);
  }
}
