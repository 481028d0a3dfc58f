package dev.chatbus.bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders result lines as one Markdown table per workload, each server a row. */
final class Table {

  private Table() {
  }

  static String render(List<String> lines) {
    Map<String, List<JsonObject>> byWorkload = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject r = new JsonObject(line);
      byWorkload.computeIfAbsent(workload(r), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<JsonObject>> e : byWorkload.entrySet()) {
      boolean conns = e.getValue().get(0).getString("scenario").equals("conns");
      boolean joins = e.getValue().get(0).getString("scenario").equals("joins");
      sb.append("### ").append(e.getKey()).append("\n\n");
      if (joins) {
        sb.append("| server | history | joined | joins/s | p50 ms | p99 ms | max ms | fill s | ok |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
      } else if (conns) {
        sb.append("| server | held | connects/s | memory/conn | heap/conn | native/conn | RSS/conn | ok |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
      } else {
        sb.append("| server | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | out of order | disconnects"
          + " | server CPU | bench CPU | ok |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
      }
      for (JsonObject r : e.getValue()) {
        String name = r.getString("target") + (r.getString("label", "").isEmpty() ? "" : " (" + r.getString("label") + ")");
        String ok = r.getBoolean("ok", false) ? "yes" : "NO: " + r.getString("problem", "lost, reordered or dropped");
        if (joins) {
          sb.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s |%n", name,
            r.getInteger("history", 0), r.getValue("joined", "-"), r.getValue("connectPerSec", "-"),
            r.getValue("joinP50Ms", "-"), r.getValue("joinP99Ms", "-"), r.getValue("joinMaxMs", "-"),
            r.getValue("fillSeconds", "-"), ok));
        } else if (conns) {
          sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", name, r.getValue("held", "-"),
            r.getValue("connectPerSec", "-"), kb(r, "memPerConn"), kb(r, "heapPerConn"), kb(r, "nativePerConn"),
            kb(r, "rssPerConn"), ok));
        } else {
          sb.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", name,
            r.getLong("deliveriesPerSec", 0L), r.getValue("p50Ms", "-"), r.getValue("p99Ms", "-"),
            r.getValue("p999Ms", "-"), r.getValue("maxMs", "-"), r.getValue("lost", "-"),
            r.getValue("outOfOrder", "-"), r.getValue("disconnects", "-"), cpu(r, "serverCpu"), cpu(r, "benchCpu"), ok));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String workload(JsonObject r) {
    String scenario = r.getString("scenario");
    if (scenario.equals("conns")) {
      return "conns K=" + r.getInteger("clients") + " idle registered clients";
    }
    if (scenario.equals("joins")) {
      return "joins: " + r.getInteger("clients") + " clients log in and enter a room of " + String.format(Locale.ROOT, "%,d",
        r.getInteger("history")) + " messages";
    }
    double rate = r.getDouble("rate", 0.0);
    return scenario + " N=" + r.getInteger("clients") + (scenario.equals("rooms") ? " M=" + r.getInteger("rooms") : "")
      + " S=" + r.getInteger("senders") + ", "
      + (rate > 0 ? String.format(Locale.ROOT, "%.0f msg/s in all", rate) : "as fast as possible (window "
      + r.getInteger("window") + ")") + ", " + r.getInteger("size") + "-byte messages";
  }

  private static String kb(JsonObject r, String key) {
    Long v = r.getLong(key);
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f KB", v / 1024.0);
  }

  private static String cpu(JsonObject r, String key) {
    Double v = r.getDouble(key);
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f%%", v * 100);
  }
}
