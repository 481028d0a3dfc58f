package dev.chatbus.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A person in a real headless Chromium on the web client: the machine's Chromium driven through its
 * ChromeDriver (Debian's {@code chromium} and {@code chromium-driver}), nothing downloaded. Each browser has
 * a profile of its own, removed on close. What it reads, it reads off the page as shown.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  /** How long the page may take to show what a test waits for. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Whether Chromium and its ChromeDriver are installed, without which the browser tests are skipped. */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
  }

  /** Why the browser tests are skipped on a machine without them. */
  public static final String MISSING = "no Chromium with its ChromeDriver at /usr/bin: install Debian's chromium "
    + "and chromium-driver to run the browser tests";

  /** Opens {@code url} in a new headless browser window of {@code width} by {@code height} pixels. */
  public static Browser open(String url, int width, int height) {
    try {
      Path profile = Files.createTempDirectory("chatbus-browser");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      // Headless, as root in a container, and without the background traffic a closed network refuses.
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().window().setSize(new Dimension(width, height));
      driver.get(url);
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public static Browser open(String url) {
    return open(url, 1200, 800);
  }

  /** Logs in as {@code name} with the form, and waits until the chat shows. */
  public Browser login(String name) {
    WebElement field = driver.findElement(By.id("name"));
    field.clear();
    field.sendKeys(name);
    driver.findElement(By.id("connect")).click();
    waitFor(() -> "online".equals(status()), "online as " + name);
    return this;
  }

  /** Types {@code text} in the message field and sends it. */
  public Browser say(String text) {
    WebElement input = driver.findElement(By.id("input"));
    // Typed as a person types, except for long text, which is pasted.
    if (text.length() > 200) {
      driver.executeScript("arguments[0].value = arguments[1];", input, text);
    } else {
      input.sendKeys(text);
    }
    driver.findElement(By.cssSelector("#say button[type=submit]")).click();
    return this;
  }

  /** Joins {@code room} with the join field: the page then shows it. */
  public Browser join(String room) {
    driver.findElement(By.id("join-room")).sendKeys(room);
    driver.findElement(By.cssSelector("#join button[type=submit]")).click();
    waitFor(() -> ("#" + room).equals(title()), "showing #" + room);
    return this;
  }

  /** Switches to the room or conversation {@code key} ({@code #room}, {@code @name}) in the list. */
  public Browser show(String key) {
    driver.findElement(By.cssSelector("#rooms li[data-room='" + key + "']")).click();
    return this;
  }

  /** The connection's state as the page shows it: online, connecting, reconnecting, offline. */
  public String status() {
    return driver.findElement(By.id("status")).getText();
  }

  /** What the banner says; empty when it is hidden. */
  public String banner() {
    WebElement b = driver.findElement(By.id("banner"));
    return b.isDisplayed() ? b.getText() : "";
  }

  /** The room or conversation shown. */
  public String title() {
    return driver.findElement(By.id("title")).getText();
  }

  /** The lines of the room shown, as they read ({@code 12:04 alice hello}, without the time). */
  public List<String> lines() {
    return driver.findElements(By.cssSelector("#lines .line")).stream()
      .map(l -> l.findElement(By.className("text")).getText()
        + l.findElements(By.className("why")).stream().map(w -> " " + w.getText()).findFirst().orElse(""))
      .toList();
  }

  /** The messages of the room shown, as they read ({@code alice hello}, without the time). */
  public List<String> messages() {
    return driver.findElements(By.cssSelector("#lines .line.message .text")).stream().map(WebElement::getText).toList();
  }

  /** The unread counts shown in the room list, by room. */
  @SuppressWarnings("unchecked")
  public Map<String, Long> unread() {
    return (Map<String, Long>) driver.executeScript("const m = {}; for (const li of document.querySelectorAll"
      + "('#rooms li')) { const u = li.querySelector('.unread'); m[li.dataset.room] = u ? Number(u.textContent) : 0; } return m;");
  }

  /** The members listed beside the room shown. */
  public List<String> members() {
    return driver.findElements(By.cssSelector("#members li")).stream().map(WebElement::getText).toList();
  }

  /** The topic shown above the room. */
  public String topic() {
    return driver.findElement(By.id("topic")).getText();
  }

  /** Waits until {@code condition} holds, failing with {@code what} and the page's lines if it does not. */
  public void waitFor(Supplier<Boolean> condition, String what) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(condition::get);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      List<String> shown = lines().stream().map(l -> l.length() > 120 ? l.substring(0, 120) + "…" : l).toList();
      throw new AssertionError("the page never showed " + what + "; status " + status() + ", lines " + shown, e);
    }
  }

  /** Waits until the room shown has a line reading {@code text}. */
  public Browser waitForLine(String text) {
    waitFor(() -> lines().contains(text), "the line '" + text + "'");
    return this;
  }

  /** Waits until the room shown has a line that {@code match}es, described by {@code what}. */
  public Browser waitForLine(Predicate<String> match, String what) {
    waitFor(() -> lines().stream().anyMatch(match), what);
    return this;
  }

  /** Types {@code text} into the field {@code id}, replacing what it held. */
  public void type(String id, String text) {
    WebElement field = driver.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  /** Submits the form {@code id}. */
  public void submit(String id) {
    driver.findElement(By.cssSelector("#" + id + " button[type=submit]")).click();
  }

  /** The text the element {@code id} shows. */
  public String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  /** On the dashboard: the value shown for {@code figure} on the board of {@code node} ({@code cluster} for all). */
  public String figure(String node, String figure) {
    return driver.findElement(By.cssSelector(".board[data-node='" + node + "'] .figure[data-figure='" + figure + "'] .value"))
      .getText().replace(",", "");
  }

  /** Runs {@code script} in the page. */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Saves what the window shows as a PNG. */
  public void screenshot(Path png) {
    try {
      Files.createDirectories(png.getParent());
      Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a profile left in the temporary directory is all it costs
      }
    }
  }
}
