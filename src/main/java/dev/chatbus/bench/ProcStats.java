package dev.chatbus.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time and memory of a process, read from /proc, and of a JVM, asked with jcmd. */
final class ProcStats {

  /** Linux reports CPU time in clock ticks of 1/100 s on every platform the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final Pattern NMT_CATEGORY = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
  /**
   * Native memory that is not the server's to keep: the heap (counted live instead), the JIT compiler's
   * scratch arenas (which come and go with compilations) and the tracking's own bookkeeping.
   */
  private static final Set<String> NOT_NATIVE = Set.of("Java Heap", "Compiler", "Arena Chunk", "Native Memory Tracking");

  private ProcStats() {
  }

  /** CPU seconds used by process {@code pid} so far (user and system). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command: state is field 3, utime 14 and stime 15.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /** CPU seconds used by the processes {@code pids} so far, together. */
  static double cpuSeconds(long[] pids) throws IOException {
    double sum = 0;
    for (long pid : pids) {
      sum += cpuSeconds(pid);
    }
    return sum;
  }

  /** Resident memory of the processes {@code pids} together, in bytes. */
  static long rssBytes(long[] pids) throws IOException {
    long sum = 0;
    for (long pid : pids) {
      sum += rssBytes(pid);
    }
    return sum;
  }

  /** CPU seconds used by this process so far. */
  static double ownCpuSeconds() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e9;
  }

  /** Resident memory of process {@code pid}, in bytes. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  /** True if process {@code pid} is a JVM that jcmd can ask. */
  static boolean isJvm(long pid) {
    try {
      return Path.of("/proc", Long.toString(pid), "exe").toRealPath().getFileName().toString().equals("java");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The JVM's memory after a full collection: live heap, and native memory outside the heap if it runs
   * with native memory tracking ({@code -XX:NativeMemoryTracking=summary}), else -1. Native memory counts
   * every category but those in {@link #NOT_NATIVE}, class metadata and generated code included.
   */
  static long[] jvmMemory(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    long heap = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    Matcher category = NMT_CATEGORY.matcher(jcmd(pid, "VM.native_memory", "summary"));
    long nativeBytes = -1;
    while (category.find()) {
      if (!NOT_NATIVE.contains(category.group(1))) {
        nativeBytes = Math.max(nativeBytes, 0) + Long.parseLong(category.group(2)) * 1024;
      }
    }
    return new long[] {heap, nativeBytes};
  }

  private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = java.resolveSibling("jcmd");
    String[] args = new String[command.length + 2];
    args[0] = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    args[1] = Long.toString(pid);
    System.arraycopy(command, 0, args, 2, command.length);
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
