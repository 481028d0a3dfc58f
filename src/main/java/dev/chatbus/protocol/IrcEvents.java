package dev.chatbus.protocol;

import dev.chatbus.bus.RoomEvent;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Room events as IRC shows them, shared by every IRC client: a message is a {@code PRIVMSG} (a notice a
 * {@code NOTICE}, an action a CTCP {@code ACTION}) to {@code #room} from {@code name!user@host}; a join is
 * a {@code JOIN}, a leave a {@code PART}, a quit a {@code QUIT}, a rename a {@code NICK}.
 * <p>
 * What other protocols allow in one line (4 KiB) may be longer than an IRC line (512 bytes with its
 * source): such a message is split over as many lines as it needs, between characters, at a space where
 * there is one near the end, so that nothing is cut.
 * <p>
 * IRCv3 clients may ask for tags on what they are sent: {@code server-time} (when the event happened) and
 * {@code message-tags} (its {@code msgid}). There is one renderer for each of the four combinations
 * ({@link #variants}), so that an event is still rendered at most once for all the clients that read it alike.
 */
public final class IrcEvents implements EventRenderer {

  static final String CRLF = "\r\n";
  private static final DateTimeFormatter SERVER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);
  /** The most bytes of a line before its CR LF. */
  private static final int MAX_LINE = IrcLine.MAX_BODY_BYTES;
  private static final char CTCP = '\u0001';
  /** How a CTCP action begins; it ends with {@link #CTCP}. */
  static final String ACTION = CTCP + "ACTION ";

  private final boolean time;
  private final boolean msgid;

  private IrcEvents(boolean time, boolean msgid) {
    this.time = time;
    this.msgid = msgid;
  }

  /** The four renderers, by {@link #variant}. */
  public static List<IrcEvents> variants() {
    return List.of(new IrcEvents(false, false), new IrcEvents(true, false), new IrcEvents(false, true),
      new IrcEvents(true, true));
  }

  /** Which of {@link #variants} renders for a client with {@code server-time} ({@code time}) and {@code message-tags} ({@code msgid}). */
  static int variant(boolean time, boolean msgid) {
    return (time ? 1 : 0) | (msgid ? 2 : 0);
  }

  @Override
  public String roomEvent(RoomEvent e) {
    String lines = untagged(e);
    return time || msgid ? tagged(lines, e.id(), e.ts(), time, msgid) : lines;
  }

  /**
   * Each of {@code lines} with the tags asked for: the time {@code ts}, and the message id {@code id}, the
   * lines after the first of a message split over several numbered after it ({@code id-2}, {@code id-3}).
   */
  static String tagged(String lines, String id, long ts, boolean time, boolean msgid) {
    String at = time ? "time=" + time(ts) : "";
    StringBuilder sb = new StringBuilder(lines.length() + 64);
    int n = 0;
    for (int start = 0; start < lines.length(); n++) {
      int end = lines.indexOf(CRLF, start) + CRLF.length();
      sb.append('@').append(at);
      if (msgid) {
        sb.append(time ? ";" : "").append("msgid=").append(id);
        if (n > 0) {
          sb.append('-').append(n + 1);
        }
      }
      sb.append(' ').append(lines, start, end);
      start = end;
    }
    return sb.toString();
  }

  /** {@code ts} as {@code server-time} writes it. */
  static String time(long ts) {
    return SERVER_TIME.format(Instant.ofEpochMilli(ts));
  }

  /** {@code line} with {@code tag} added to the tags it has, if any. */
  static String withTag(String tag, String line) {
    return line.startsWith("@") ? "@" + tag + ";" + line.substring(1) : "@" + tag + " " + line;
  }

  /**
   * {@code lines} as the batch {@code id}: each tagged with it, but for the lines of batches nested in it,
   * which keep their own.
   */
  static String inBatch(String id, String lines) {
    String tag = "batch=" + id;
    StringBuilder sb = new StringBuilder(lines.length() + 16);
    for (int start = 0; start < lines.length(); ) {
      int end = lines.indexOf(CRLF, start) + CRLF.length();
      String line = lines.substring(start, end);
      sb.append(batched(line) ? line : withTag(tag, line));
      start = end;
    }
    return sb.toString();
  }

  /** Whether {@code line}'s tags hold a {@code batch} tag. */
  private static boolean batched(String line) {
    int end = line.startsWith("@") ? line.indexOf(' ') : -1;
    int at = line.indexOf("batch=");
    return at > 0 && at < end && (line.charAt(at - 1) == '@' || line.charAt(at - 1) == ';');
  }

  private static String untagged(RoomEvent e) {
    String source = source(e.from(), e.origin());
    String channel = "#" + e.room();
    return switch (e.kind()) {
      case MESSAGE -> said(source, "PRIVMSG", channel, e.text(), false);
      case ACTION -> said(source, "PRIVMSG", channel, e.text(), true);
      case NOTICE -> said(source, "NOTICE", channel, e.text(), false);
      case JOIN -> source + " JOIN " + channel + CRLF;
      case LEAVE -> fitted(source + " PART " + channel + (e.text() == null ? "" : " :"), e.text());
      case QUIT -> fitted(source + " QUIT :", e.text());
      case RENAME -> source + " NICK :" + e.text() + CRLF;
      case TOPIC -> source + " TOPIC " + channel + " :" + e.text() + CRLF;
      case MODE -> source + " MODE " + channel + " " + e.text() + (e.target() == null ? "" : " " + e.target()) + CRLF;
      case KICK -> fitted(source + " KICK " + channel + " " + e.target() + " :", e.text());
    };
  }

  /**
   * One line: {@code head} and as much of {@code text} (a reason, maybe null) as fits in IRC's 512 bytes;
   * what does not fit is left out, since a reason cannot go on over another line as a message can.
   */
  static String fitted(String head, String text) {
    if (text == null) {
      return head + CRLF;
    }
    int room = MAX_LINE - IrcLine.utf8Length(head);
    return head + (IrcLine.utf8Length(text) <= room ? text : text.substring(0, cut(text, 0, Math.max(room, 1), false))) + CRLF;
  }

  /** {@code :name!user@host}, the source of a user's lines; {@code origin} is {@code user@host}, or null when not known. */
  static String source(String name, String origin) {
    return ":" + name + "!" + (origin == null ? "*@*" : origin);
  }

  /**
   * {@code text} sent by {@code source} as {@code command} to {@code target}, as an action when {@code action},
   * over as many lines as it takes.
   */
  static String said(String source, String command, String target, String text, boolean action) {
    String head = source + " " + command + " " + target + " :";
    String open = action ? ACTION : "";
    String close = action ? String.valueOf(CTCP) : "";
    int room = MAX_LINE - IrcLine.utf8Length(head) - open.length() - close.length();
    if (IrcLine.utf8Length(text) <= room) {
      return head + open + text + close + CRLF;
    }
    StringBuilder sb = new StringBuilder(text.length() + 4 * (head.length() + 12));
    int i = 0;
    while (i < text.length()) {
      int end = cut(text, i, Math.max(room, 1));
      sb.append(head).append(open).append(text, i, end).append(close).append(CRLF);
      i = end;
    }
    return sb.toString();
  }

  /**
   * Where a line holding at most {@code bytes} bytes of {@code text} from {@code from} ends: after the last
   * space in its last quarter when there is one, else after the last whole character that fits.
   */
  static int cut(String text, int from, int bytes) {
    return cut(text, from, bytes, true);
  }

  /** {@link #cut(String, int, int)}, at a space only {@code atSpace}. */
  static int cut(String text, int from, int bytes, boolean atSpace) {
    int used = 0;
    int i = from;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > bytes) {
        break;
      }
      used += size;
      i += Character.charCount(cp);
    }
    if (i == text.length()) {
      return i;
    }
    if (i == from) {
      return from + Character.charCount(text.codePointAt(from));
    }
    int space = atSpace ? text.lastIndexOf(' ', i - 1) : -1;
    return space > from && space >= i - (i - from) / 4 ? space + 1 : i;
  }
}
