package dev.chatbus.persist;

import dev.chatbus.bus.Persist;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One history answer, put together from what the store holds and what still waits to be written: merged by
 * sequence number, cut to the limit, judged complete or not, and bounded in bytes, with where to go on for
 * the rest.
 */
public final class HistoryPage {

  /** What an event costs in an answer besides its texts: the JSON field names, ids, numbers and quotes. */
  private static final int EVENT_OVERHEAD = 160;

  private HistoryPage() {
  }

  /**
   * The answer to {@code q}.
   *
   * @param stored   what the store returned, or null when it could not be read (then the answer is not
   *                 complete, unless nothing can be missing)
   * @param unstored events of the room not yet written, oldest first, of which those matching {@code q} count
   * @param lastSeq  the room's latest number as its owner knows it, or -1 when no router numbers the room
   * @param maxBytes the most an answer may hold, roughly as JSON; at least one event is always returned
   */
  public static Reply.History assemble(Persist.Query q, Persist.Stored stored, List<RoomEvent> unstored, long lastSeq,
                                       long maxBytes) {
    TreeMap<Long, RoomEvent> bySeq = new TreeMap<>();
    if (stored != null) {
      for (RoomEvent e : stored.events()) {
        bySeq.put(e.seq(), e);
      }
    }
    long firstWaiting = Long.MAX_VALUE;
    long lastWaiting = 0;
    for (RoomEvent e : unstored) {
      firstWaiting = Math.min(firstWaiting, e.seq());
      lastWaiting = Math.max(lastWaiting, e.seq());
      if (matches(q, e)) {
        bySeq.put(e.seq(), e);
      }
    }
    List<RoomEvent> events = new ArrayList<>(bySeq.values());
    if (events.size() > q.limit()) {
      events = q.forwards() ? events.subList(0, q.limit()) : events.subList(events.size() - q.limit(), events.size());
    }
    long last = Math.max(lastSeq, Math.max(lastWaiting, stored == null ? 0 : stored.lastSeq()));
    boolean complete = stored != null
      ? complete(q, events, Math.min(stored.firstSeq(), firstWaiting), last)
      : complete(q, events, firstWaiting, last) && nothingBefore(q, firstWaiting);
    return cut(q, events, complete, maxBytes);
  }

  /** Whether {@code e} is one of the events {@code q} asks for (its room aside). */
  public static boolean matches(Persist.Query q, RoomEvent e) {
    return (!q.messagesOnly() || isMessage(e)) && (q.forwards() ? e.seq() > q.afterSeq() : e.seq() < q.beforeSeq());
  }

  /** Without the store, only a page that needs nothing below what waits to be written can be whole. */
  private static boolean nothingBefore(Persist.Query q, long firstWaiting) {
    return q.forwards() ? q.afterSeq() + 1 >= firstWaiting : firstWaiting == 1;
  }

  /**
   * Whether the answer holds everything that was asked for: nothing it needed has been pruned (the first
   * sequence number still held is early enough) and, for full event lists, no number is missing.
   */
  static boolean complete(Persist.Query q, List<RoomEvent> events, long firstHeld, long lastSeq) {
    if (q.forwards()) {
      if (q.afterSeq() >= lastSeq) {
        return true;
      }
      if (firstHeld > q.afterSeq() + 1) {
        return false;
      }
      if (q.messagesOnly()) {
        return true;
      }
      // Every number from afterSeq on, up to the limit or to the room's latest.
      long reached = events.isEmpty() ? q.afterSeq() : events.get(events.size() - 1).seq();
      return consecutive(events, q.afterSeq() + 1) && (events.size() == q.limit() || reached == lastSeq);
    }
    long before = Math.min(q.beforeSeq(), lastSeq + 1);
    if (before <= 1) {
      return true;
    }
    long neededFrom = events.size() == q.limit() ? events.get(0).seq() : 1;
    if (firstHeld > neededFrom) {
      return false;
    }
    return q.messagesOnly() || (!events.isEmpty() && events.get(events.size() - 1).seq() == before - 1
      && consecutive(events, events.get(0).seq()));
  }

  /**
   * {@code events} cut to {@code maxBytes}: the oldest of them reading forwards, the newest reading back,
   * with where the rest begins.
   */
  private static Reply.History cut(Persist.Query q, List<RoomEvent> events, boolean complete, long maxBytes) {
    String room = q.room();
    int n = events.size();
    long total = 0;
    int kept = 0;
    for (; kept < n; kept++) {
      RoomEvent e = events.get(q.forwards() ? kept : n - 1 - kept);
      total += bytes(e);
      if (total > maxBytes && kept > 0) {
        break;
      }
    }
    if (kept == n) {
      return new Reply.History(room, events, complete);
    }
    int rest = q.limit() - kept;
    if (q.forwards()) {
      return new Reply.History(room, events.subList(0, kept), complete,
        new Reply.More(events.get(kept - 1).seq(), Long.MAX_VALUE, rest));
    }
    return new Reply.History(room, events.subList(n - kept, n), complete, new Reply.More(-1, events.get(n - kept).seq(), rest));
  }

  /** About what {@code e} takes in a JSON answer, escapes included; the text protocol's lines are shorter. */
  static long bytes(RoomEvent e) {
    return EVENT_OVERHEAD + e.room().length() + escaped(e.from()) + escaped(e.text());
  }

  private static int escaped(String s) {
    if (s == null) {
      return 0;
    }
    int escapes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        escapes++;
      }
    }
    return ByteBufUtil.utf8Bytes(s) + escapes;
  }

  private static boolean consecutive(List<RoomEvent> events, long from) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).seq() != from + i) {
        return false;
      }
    }
    return true;
  }

  private static boolean isMessage(RoomEvent e) {
    return e.chat();
  }
}
