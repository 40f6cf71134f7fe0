package io.itinera.engine.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through chromium-driver (Selenium), for the console's tests:
 * waits, screenshots under {@code target/}, and the browser's console log, kept across pages, in
 * which Chromium reports every Content-Security-Policy violation.
 */
public final class Chromium implements AutoCloseable {

  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path BINARY = Path.of("/usr/bin/chromium");

  private final WebDriver driver;
  private final Path screenshots;
  private final List<String> log = new ArrayList<>();

  private Chromium(WebDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** Whether chromium and chromium-driver are installed (.ci/run installs them). */
  public static boolean installed() {
    return Files.isExecutable(DRIVER) && Files.isExecutable(BINARY);
  }

  public static Chromium start(Path screenshots) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    Files.createDirectories(screenshots);
    return new Chromium(new ChromeDriver(service, options), screenshots);
  }

  public WebDriver driver() {
    return driver;
  }

  /** The element once visible, within 15 s. */
  public WebElement waitFor(By locator) {
    return new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  public Object script(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  public void screenshot(String name) throws IOException {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Every line of the browser's console so far (Chromium hands each line out once). */
  public List<String> log() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      log.add(entry.getLevel() + " " + entry.getMessage());
    }
    return List.copyOf(log);
  }

  /** Chromium reports each blocked script, style or connection in the console log. */
  public void assertNoContentSecurityViolations() {
    List<String> lines = log();
    List<String> violations =
        lines.stream()
            .filter(line -> line.contains("Content Security Policy") || line.contains("Refused to"))
            .toList();
    assertEquals(List.of(), violations, "browser log: " + lines);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
