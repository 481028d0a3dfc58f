package dev.chatbus.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fault harness's checker, in the manner of Jepsen: what the clients saw against what the store holds.
 * It reads the room's history and counts, for the acknowledged senders: acknowledged, lost (acknowledged,
 * not stored), reordered (a sender's acknowledged messages out of its order in the history), refused (an
 * error instead of an ack), unanswered; for the others: stored, answered by an error line (and how many
 * error lines were about lines stored all the same), and lost without a word; duplicated (stored twice); whether what each observer shows is in the history's order; whether
 * both saw what each sender said after the faults; names given out on both sides of a partition and still
 * held twice; and the room's members against the clients connected.
 */
final class Checker {
  private final String pgUrl;
  private final String pgUser;
  private final String pgPassword;

  Checker(String pgUrl, String pgUser, String pgPassword) {
    this.pgUrl = pgUrl;
    this.pgUser = pgUser;
    this.pgPassword = pgPassword;
  }

  /** Prints the verdict line of the run called {@code label}; true if it passed. */
  boolean check(String label, String room, List<Sender> senders, List<Observer> observers,
                        Map<Sender, Integer> after, List<List<Named>> twins, List<String> members, List<String> connected)
    throws SQLException {
    List<String> stored = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword);
         PreparedStatement q = c.prepareStatement("SELECT body FROM room_event WHERE room = ? AND chat ORDER BY seq")) {
      q.setString(1, room);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    Map<String, Integer> times = new HashMap<>();
    stored.forEach(s -> times.merge(s, 1, Integer::sum));
    long duplicated = times.values().stream().filter(t -> t > 1).count();

    int acknowledged = 0;
    int lost = 0;
    int refused = 0;
    Map<String, Integer> refusals = new TreeMap<>();
    int unanswered = 0;
    int reordered = 0;
    int unackedStored = 0;
    int errorLines = 0;
    int silent = 0;
    int toldYetStored = 0;
    List<String> said = new ArrayList<>();
    for (Sender sender : senders) {
      said.add(sender.kind + " " + sender.sent.get());
      if (sender.acked) {
        for (int n = 1; n <= sender.sent.get(); n++) {
          String answer = sender.answers.get(n);
          if ("ack".equals(answer)) {
            acknowledged++;
            if (!times.containsKey(sender.prefix + n)) {
              lost++;
              FaultHarness.log("acknowledged, not stored: " + sender.prefix + n);
            }
          } else if (answer != null) {
            refused++;
            refusals.merge(answer, 1, Integer::sum);
          } else {
            unanswered++;
            FaultHarness.log(sender.kind + " sender had no answer to " + sender.prefix + n);
          }
        }
        // Its acknowledged messages keep its order in the history.
        int last = 0;
        for (String m : stored) {
          if (m.startsWith(sender.prefix)) {
            int n = Integer.parseInt(m.substring(sender.prefix.length()));
            if ("ack".equals(sender.answers.get(n))) {
              if (n < last) {
                reordered++;
                FaultHarness.log("stored out of order: " + m + " after " + sender.prefix + last);
              }
              last = Math.max(last, n);
            }
          }
        }
      } else {
        int kept = 0;
        List<String> missing = new ArrayList<>();
        for (int n = 1; n <= sender.sent.get(); n++) {
          if (times.containsKey(sender.prefix + n)) {
            kept++;
          } else {
            missing.add(sender.prefix + n);
          }
        }
        if (!missing.isEmpty()) {
          FaultHarness.log(sender.kind + " lines not stored: " + missing);
        }
        unackedStored += kept;
        errorLines += sender.errors.size();
        silent += Math.max(0, sender.sent.get() - kept - sender.errors.size());
        // Error lines beyond the lines not stored were about lines that were: their senders, told to say
        // them again, would have them twice.
        toldYetStored += Math.max(0, kept + sender.errors.size() - sender.sent.get());
      }
    }
    boolean oneOrder = true;
    for (Observer o : observers) {
      oneOrder &= inOrderOf(o.name, view(o.seen), stored);
    }
    // Delivery resumed after the faults: each observer saw something each sender said after them.
    boolean resumed = true;
    for (Observer o : observers) {
      for (Sender sender : senders) {
        boolean seen = o.seen.stream().map(Observer.Seen::text).anyMatch(m -> m.startsWith(sender.prefix)
          && Integer.parseInt(m.substring(sender.prefix.length())) > after.get(sender));
        if (!seen) {
          FaultHarness.log(o.name + " saw nothing the " + sender.kind + " sender said after the faults");
          resumed = false;
        }
      }
    }
    boolean cutOff = senders.stream().anyMatch(c -> c.cutOff != null) || observers.stream().anyMatch(o -> o.cutOff != null)
      || twins.stream().flatMap(List::stream).anyMatch(n -> n.cutOff != null);
    boolean spoke = senders.stream().allMatch(c -> c.sent.get() > 0);
    // Names: given out on both sides of a partition, and still held by two sessions once the network settled.
    long givenTwice = twins.stream().filter(pair -> pair.stream().allMatch(n -> n.welcomed.getNow(false))).count();
    long heldTwice = twins.stream().filter(pair -> pair.stream().allMatch(Named::holdsName)).count();
    // The room's members once the network settled: each connected client once, and no one else.
    List<String> ghosts = new ArrayList<>();
    List<String> missing = new ArrayList<>(connected);
    if (members != null) {
      for (String m : members) {
        if (!missing.remove(m)) {
          ghosts.add(m);
        }
      }
      if (!ghosts.isEmpty() || !missing.isEmpty()) {
        FaultHarness.log("the room's members " + members + ": not connected " + ghosts + ", connected and missing " + missing);
      }
    } else {
      FaultHarness.log("no answer to who");
    }
    boolean passed = lost == 0 && duplicated == 0 && reordered == 0 && refused == 0 && unanswered == 0
      && silent == 0 && toldYetStored == 0 && oneOrder && resumed && !cutOff && spoke && heldTwice == 0 && members != null
      && ghosts.isEmpty() && missing.isEmpty();
    System.out.printf("%s: said %s; acknowledged %d, lost %d, duplicated %d, reordered %d, refused %d%s, unanswered %d;"
        + " unacknowledged stored %d, error lines %d (about stored lines %d), lost without a word %d; observers %s%s;"
        + " %s%s -> %s%n",
      label, String.join(", ", said), acknowledged, lost, duplicated, reordered, refused,
      refusals.isEmpty() ? "" : " " + refusals, unanswered, unackedStored, errorLines, toldYetStored, silent,
      oneOrder ? "in the history's order" : "out of the history's order",
      (cutOff ? "; a client was cut off" : "") + (resumed ? "" : "; delivery did not resume everywhere"),
      twins.isEmpty() ? "" : "names given out on both sides " + givenTwice + " of " + twins.size() + ", held twice after"
        + " settling " + heldTwice + "; ",
      members == null ? "members unknown" : "members not connected " + ghosts.size() + ", connected and missing " + missing.size(),
      passed ? "PASS" : "FAIL");
    return passed;
  }

  /**
   * What a client that follows the protocol ends up showing of what it saw: an event of a newer epoch
   * numbered at or below events of an older one replaces them (a new owner numbered on from what was
   * stored, and those were sent live by an owner that died or was cut off before storing them), as the web
   * client does when a room's numbering goes back.
   */
  private static List<String> view(List<Observer.Seen> seen) {
    List<Observer.Seen> shown = new ArrayList<>();
    for (Observer.Seen e : seen) {
      shown.removeIf(old -> old.epoch() < e.epoch() && old.seq() >= e.seq());
      shown.add(e);
    }
    return shown.stream().map(Observer.Seen::text).toList();
  }

  /**
   * Whether what an observer shows of the stored messages is in the history's order, once each (and so
   * every observer in one order); logs where it parts from it if not.
   */
  private static boolean inOrderOf(String observer, List<String> shown, List<String> history) {
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      at.put(history.get(i), i);
    }
    int last = -1;
    String lastText = null;
    for (String text : shown) {
      Integer i = at.get(text);
      if (i == null) {
        continue;
      }
      if (i <= last) {
        FaultHarness.log(observer + " showed " + text + " after " + lastText + ", which the history has the other way round");
        return false;
      }
      last = i;
      lastText = text;
    }
    return true;
  }

}
