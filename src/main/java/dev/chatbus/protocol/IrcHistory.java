package dev.chatbus.protocol;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Reply;
import dev.chatbus.bus.RoomEvent;
import dev.chatbus.protocol.ClientCommand.Window;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * IRCv3's {@code draft/chathistory} for one connection: {@code CHATHISTORY LATEST}, {@code BEFORE},
 * {@code AFTER}, {@code AROUND} and {@code BETWEEN} of a channel, with messages named by {@code msgid=} or
 * {@code timestamp=}, answered with one {@code chathistory} batch; and {@code TARGETS}, the client's
 * channels whose latest message came between two times, in a {@code draft/chathistory-targets} batch.
 * With {@code draft/event-playback} the batch holds joins, parts, topics and the rest as well as messages.
 * <p>
 * Private messages have no history here: a nick is not an account yet, and the conversation one nick had
 * is not for whoever holds it next. Refusals are {@code FAIL CHATHISTORY} lines.
 */
final class IrcHistory {

  /** What a {@code CHATHISTORY} command asked, for its answer and its {@code FAIL}s. */
  record Asked(String subcommand, String target) {
  }

  private final IrcCodec codec;
  private int batches;

  IrcHistory(IrcCodec codec) {
    this.codec = codec;
  }

  /** A {@code CHATHISTORY} line. */
  ClientCommand parse(IrcLine line) {
    if (line.size() < 1) {
      return fail("NEED_MORE_PARAMS", "*", "Missing parameters");
    }
    String sub = line.param(0).toUpperCase(Locale.ROOT);
    if (sub.equals("TARGETS")) {
      return targets(line);
    }
    Window.Kind kind;
    try {
      kind = Window.Kind.valueOf(sub);
    } catch (IllegalArgumentException e) {
      return fail("UNKNOWN_COMMAND", sub, "Unknown subcommand");
    }
    int marks = kind == Window.Kind.BETWEEN ? 2 : 1;
    if (line.size() < 3 + marks) {
      return fail("NEED_MORE_PARAMS", sub, "Missing parameters");
    }
    String target = line.param(1);
    if (!IrcCodec.isChannel(target) || Names.room(target) == null) {
      return fail("INVALID_TARGET", sub + " " + target, IrcCodec.isChannel(target) ? "No such channel"
        : "Private messages have no history here");
    }
    Window.Mark from = kind == Window.Kind.LATEST && line.param(2).equals("*") ? null : mark(line.param(2), true);
    Window.Mark to = marks == 2 ? mark(line.param(3), true) : null;
    int limit = limit(line.param(2 + marks));
    if ((from == null && kind != Window.Kind.LATEST) || (marks == 2 && to == null) || limit <= 0) {
      return fail("INVALID_PARAMS", sub, "Invalid parameters");
    }
    return new Window(kind, target, from, to, limit, new Asked(sub, "#" + Names.room(target)));
  }

  private ClientCommand targets(IrcLine line) {
    if (line.size() < 4) {
      return fail("NEED_MORE_PARAMS", "TARGETS", "Missing parameters");
    }
    Window.Mark from = mark(line.param(1), false);
    Window.Mark to = mark(line.param(2), false);
    int limit = limit(line.param(3));
    if (from == null || to == null || limit <= 0) {
      return fail("INVALID_PARAMS", "TARGETS", "Invalid parameters");
    }
    return new ClientCommand.ActiveRooms(from.value(), to.value(), limit, new Asked("TARGETS", null));
  }

  /**
   * {@code msgid=ID} (when {@code ids} may be given) or {@code timestamp=TIME}; null when it is neither. An
   * id Chatbus never gave finds no message; a later line of a message split over several
   * ({@code ID-2}) stands for the message.
   */
  private static Window.Mark mark(String given, boolean ids) {
    if (given.startsWith("timestamp=")) {
      try {
        return new Window.Mark(true, Instant.parse(given.substring("timestamp=".length())).toEpochMilli());
      } catch (DateTimeParseException | ArithmeticException e) {
        return null;
      }
    }
    if (!ids || !given.startsWith("msgid=")) {
      return null;
    }
    String id = given.substring("msgid=".length());
    int part = id.indexOf('-');
    try {
      return new Window.Mark(false, Long.parseLong(part < 0 ? id : id.substring(0, part)));
    } catch (NumberFormatException e) {
      return new Window.Mark(false, -1);
    }
  }

  private static int limit(String given) {
    try {
      return Integer.parseInt(given);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The events of a window as one {@code chathistory} batch (the lines alone for a client without {@code batch}). */
  String window(Reply.History page, Asked asked) {
    StringBuilder lines = new StringBuilder();
    EventRenderer events = codec.events();
    for (RoomEvent e : page.events()) {
      lines.append(events.roomEvent(e));
    }
    return batch("chathistory " + asked.target(), lines.toString());
  }

  /** The rooms of {@code CHATHISTORY TARGETS}, each with the time of its latest message. */
  String targets(List<RoomEvent> latest) {
    StringBuilder lines = new StringBuilder();
    for (RoomEvent e : latest) {
      lines.append(':').append(codec.serverName()).append(" CHATHISTORY TARGETS #").append(e.room()).append(' ')
        .append(IrcEvents.time(e.ts())).append(CRLF);
    }
    return batch("draft/chathistory-targets", lines.toString());
  }

  private String batch(String type, String lines) {
    if (!codec.has("batch")) {
      return lines;
    }
    String id = "H" + ++batches;
    String server = ":" + codec.serverName();
    return server + " BATCH +" + id + " " + type + CRLF + IrcEvents.inBatch(id, lines)
      + server + " BATCH -" + id + CRLF;
  }

  /** A refusal of what {@code asked} asked, from the router. */
  String fail(ErrorCode code, String message, Asked asked) {
    String context = asked.subcommand() + (asked.target() == null ? "" : " " + asked.target());
    return switch (code) {
      case NOT_IN_ROOM, BAD_ROOM, NO_SUCH_ROOM -> failLine("INVALID_TARGET", context, message);
      default -> failLine("MESSAGE_ERROR", context, message);
    };
  }

  private ClientCommand fail(String code, String context, String message) {
    return IrcCodec.answer(failLine(code, context, message));
  }

  private String failLine(String code, String context, String message) {
    return ":" + codec.serverName() + " FAIL CHATHISTORY " + code + " " + context + " :" + message + CRLF;
  }
}
