package dev.chatbus.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A node's {@code /metrics}, as Prometheus scrapes it, and the samples in it. */
public final class Scrape {

  private Scrape() {
  }

  /** What {@code /metrics} on the HTTP port {@code httpPort} answers now. */
  public static String of(int httpPort) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The value of {@code sample} (a series' name with its labels, as the scrape writes them); fails if it is missing. */
  public static double value(String scrape, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("sample %s in the scrape", sample).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
