package dev.chatbus.support;

import dev.chatbus.app.Chatbus;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A Chatbus JVM started from the test classpath with the {@code chatbus} command, its output collected line by line. */
public final class ChatbusProcess {

  private final Process process;
  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  /** Every line so far, whether waited for or not. */
  private final List<String> all = new CopyOnWriteArrayList<>();

  private ChatbusProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          all.add(line);
          output.add(line);
        }
      } catch (IOException e) {
        output.add("(output closed: " + e + ")");
      }
    }, "chatbus-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code chatbus -conf CONF}. */
  public static ChatbusProcess start(JsonObject conf) throws IOException {
    return start(List.of(), List.of("-conf", conf.encode()), Map.of());
  }

  /** Starts {@code java JVM_ARGS chatbus ARGS} with {@code env} added to this process's environment. */
  public static ChatbusProcess start(List<String> jvmArgs, List<String> args, Map<String, String> env) throws IOException {
    return start(null, System.getProperty("java.class.path"), jvmArgs, args, env);
  }

  /**
   * Starts {@code chatbus ARGS} in {@code dir} as it runs from its jar: on the main classpath only, without
   * the tests' classes and resources (their logging set-up among them).
   */
  public static ChatbusProcess startIn(Path dir, List<String> args) throws IOException {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.endsWith("test-classes"))
      .collect(Collectors.joining(File.pathSeparator));
    return start(dir, classpath, List.of(), args, Map.of());
  }

  private static ChatbusProcess start(Path dir, String classpath, List<String> jvmArgs, List<String> args,
                                      Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classpath, Chatbus.class.getName()));
    command.addAll(args);
    return exec(command, dir, env);
  }

  /**
   * Starts {@code command} (a distribution's {@code bin/chatbus}, say) in {@code dir}, or here if null, with
   * {@code env} added to this process's environment.
   */
  public static ChatbusProcess exec(List<String> command, Path dir, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    return new ChatbusProcess(pb.start());
  }

  /** Every line the process has written so far. */
  public List<String> lines() {
    return List.copyOf(all);
  }

  /** The settings of a node on loopback at {@code port}, with {@code conf} over them, for {@code -conf}. */
  public static JsonObject onPort(int port, JsonObject conf) {
    return new JsonObject()
      .put("node", new JsonObject().put("name", "proc"))
      .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 1))
      .put("irc", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("shutdown", new JsonObject().put("grace", "2s"))
      .mergeIn(conf, true);
  }

  /** Starts a node on {@code port} with {@code conf} and waits until it listens. */
  public static ChatbusProcess listening(int port, JsonObject conf) throws Exception {
    ChatbusProcess p = start(onPort(port, conf));
    try {
      p.awaitOutput("listening on 127.0.0.1:" + port);
    } catch (AssertionError | InterruptedException e) {
      p.process.destroyForcibly();
      throw e;
    }
    return p;
  }

  public Process process() {
    return process;
  }

  /** Sends SIGTERM, without closing this side of its output as {@link Process#destroy()} would. */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Kills the JVM at once (SIGKILL): no shutdown hook, no flush. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Waits for an output line containing {@code fragment}. */
  public void awaitOutput(String fragment) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      if (line.contains(fragment)) {
        return;
      }
    }
    throw new AssertionError("no output line with '" + fragment + "'; saw:\n" + seen);
  }

  /** A free port on loopback, for a process that must be told its port in advance. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
