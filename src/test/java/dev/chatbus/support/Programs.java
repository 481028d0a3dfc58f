package dev.chatbus.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** The programs some tests run besides Java (python3, curl, openssl), which {@code .ci/run} installs. */
public final class Programs {

  private Programs() {
  }

  /** Skips the test, saying why, unless {@code program} runs here ({@code program --version}). */
  public static void needs(String program) {
    needs(program, "--version");
  }

  /** Skips the test, saying why, unless {@code program versionArgument} runs here and succeeds. */
  public static void needs(String program, String versionArgument) {
    boolean found;
    try {
      Process p = new ProcessBuilder(program, versionArgument).redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      found = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      found = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      found = false;
    }
    Assumptions.assumeTrue(found, program + " is not installed here: this test needs it (.ci/run installs it)");
  }
}
