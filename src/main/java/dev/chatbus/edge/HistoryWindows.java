package dev.chatbus.edge;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.bus.SessionCommand;
import dev.chatbus.protocol.ClientCommand;
import dev.chatbus.protocol.ClientCommand.Window;
import dev.chatbus.protocol.Names;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * History placed by marks rather than numbers ({@link Window}): each mark is located in the room's
 * numbering by its owner ({@link SessionCommand.Locate}), then the window is read as history pages are,
 * numbers in hand. A bound on the far side of a page read from the near one is applied to what comes back:
 * the first (or last) N events past one bound, cut at the other, are the first (or last) N between them.
 * And the rooms of a client active between two times ({@link ClientCommand.ActiveRooms}), each asked for
 * its latest message.
 */
final class HistoryWindows {

  private static final Future<List<RoomEvent>> NONE = Future.succeededFuture(List.of());

  private final RouterRequests requests;
  private final Connections connections;
  private final int maxPerRequest;

  HistoryWindows(RouterRequests requests, Connections connections, int maxPerRequest) {
    this.requests = requests;
    this.connections = connections;
    this.maxPerRequest = maxPerRequest;
  }

  void window(Connection c, Window w) {
    String room = Names.room(w.room());
    if (room == null) {
      connections.reply(c, c.codec().error(ErrorCode.BAD_ROOM, "invalid room: " + Names.roomProblem(w.room()), w.ref()));
      return;
    }
    Reader read = new Reader(c, room, Math.min(w.limit(), maxPerRequest), c.codec().messagesOnly());
    Future<List<RoomEvent>> events = switch (w.kind()) {
      case LATEST -> w.from() == null ? read.back(Long.MAX_VALUE, s -> true)
        : locate(c, room, w.from()).compose(m -> m.found() ? read.back(Long.MAX_VALUE, s -> s > m.after()) : NONE);
      case BEFORE -> locate(c, room, w.from()).compose(m -> m.found() ? read.back(m.before(), s -> true) : NONE);
      case AFTER -> locate(c, room, w.from()).compose(m -> m.found() ? read.forwards(m.after(), s -> true) : NONE);
      case AROUND -> locate(c, room, w.from()).compose(m -> m.found() ? read.around(m.before()) : NONE);
      case BETWEEN -> between(read, locate(c, room, w.from()), locate(c, room, w.to()));
    };
    requests.send(c, events, false, ar -> answer(c, ar.succeeded()
      ? c.codec().history(new Reply.History(room, ar.result(), true), false, w.ref()) : failed(c, ar.cause(), w.ref())));
  }

  /** The window between two marks, read from {@code from} towards {@code to}. */
  private static Future<List<RoomEvent>> between(Reader read, Future<Reply.Located> from, Future<Reply.Located> to) {
    return Future.all(from, to).compose(both -> {
      Reply.Located a = from.result();
      Reply.Located b = to.result();
      if (!a.found() || !b.found()) {
        return NONE;
      }
      boolean forwards = a.before() < b.before() || (a.before() == b.before() && a.after() < b.after());
      return forwards ? read.forwards(a.after(), s -> s < b.before()) : read.back(a.before(), s -> s > b.after());
    });
  }

  void activeRooms(Connection c, ClientCommand.ActiveRooms a) {
    long low = Math.min(a.from(), a.to());
    long high = Math.max(a.from(), a.to());
    List<Future<List<RoomEvent>>> latest = new ArrayList<>();
    for (String room : c.rooms()) {
      // A room that cannot be read now is left out rather than failing the whole answer.
      latest.add(new Reader(c, room, 1, true).back(Long.MAX_VALUE, s -> true).otherwise(List.of()));
    }
    Future<List<RoomEvent>> rooms = Future.all(latest).map(all -> {
      List<RoomEvent> active = new ArrayList<>();
      for (Future<List<RoomEvent>> f : latest) {
        for (RoomEvent e : f.result()) {
          if (e.ts() > low && e.ts() < high) {
            active.add(e);
          }
        }
      }
      Comparator<RoomEvent> byTime = Comparator.comparingLong(RoomEvent::ts);
      active.sort(a.from() <= a.to() ? byTime : byTime.reversed());
      return active.subList(0, Math.min(active.size(), Math.min(a.limit(), maxPerRequest)));
    });
    requests.send(c, rooms, false, ar -> answer(c, ar.succeeded() ? c.codec().activeRooms(ar.result(), a.ref())
      : failed(c, ar.cause(), a.ref())));
  }

  private Future<Reply.Located> locate(Connection c, String room, Window.Mark mark) {
    return requests.ask(c, new SessionCommand.Locate(c.id, room, mark.byTime(), mark.value())).map(Reply.Located.class::cast);
  }

  private void answer(Connection c, String lines) {
    if (c.open()) {
      connections.reply(c, lines);
    }
  }

  private static String failed(Connection c, Throwable cause, Object ref) {
    return c.codec().error(RouterRequests.errorCode(cause), RouterRequests.errorMessage(cause), ref);
  }

  /** History pages of one room for one client, at most {@code limit} events each, or messages only. */
  private final class Reader {
    private final Connection c;
    private final String room;
    private final int limit;
    private final boolean messagesOnly;

    Reader(Connection c, String room, int limit, boolean messagesOnly) {
      this.c = c;
      this.room = room;
      this.limit = limit;
      this.messagesOnly = messagesOnly;
    }

    /** The last events numbered below {@code before}, those {@code keep} accepts of them. */
    Future<List<RoomEvent>> back(long before, LongPredicate keep) {
      return page(limit, -1, before, keep);
    }

    /** The first events numbered above {@code after}, those {@code keep} accepts of them. */
    Future<List<RoomEvent>> forwards(long after, LongPredicate keep) {
      return page(limit, after, Long.MAX_VALUE, keep);
    }

    /**
     * The events around a mark, {@code center} its number: half of them before it, the rest from it on, so
     * that a window of one holds the event marked, or the first read (a message, without playback) after it.
     */
    Future<List<RoomEvent>> around(long center) {
      int before = limit / 2;
      Future<List<RoomEvent>> earlier = before == 0 ? NONE : page(before, -1, center, s -> true);
      Future<List<RoomEvent>> later = page(limit - before, center - 1, Long.MAX_VALUE, s -> true);
      return Future.all(earlier, later).map(both -> {
        List<RoomEvent> all = new ArrayList<>(earlier.result());
        all.addAll(later.result());
        return all;
      });
    }

    private Future<List<RoomEvent>> page(int n, long afterSeq, long beforeSeq, LongPredicate keep) {
      SessionCommand.History ask = new SessionCommand.History(c.id, room, n, afterSeq, beforeSeq, messagesOnly);
      return requests.ask(c, ask).map(r -> {
        List<RoomEvent> kept = new ArrayList<>();
        for (RoomEvent e : ((Reply.History) r).events()) {
          if (keep.test(e.seq())) {
            kept.add(e);
          }
        }
        return kept;
      });
    }
  }
}
