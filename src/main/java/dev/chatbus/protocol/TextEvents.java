package dev.chatbus.protocol;

import dev.chatbus.bus.Moderation;
import dev.chatbus.bus.RoomEvent;

import java.util.ArrayList;
import java.util.List;

/** Room events as text clients read them: {@code name: text}, {@code * name has joined #room}, and so on. */
final class TextEvents {

  private TextEvents() {
  }

  /** {@code e} as a text line. */
  static String render(RoomEvent e) {
    switch (e.kind()) {
      case MESSAGE:
      case NOTICE:
        return sender(e.from(), e.byService()) + ": " + e.text() + "\n";
      case ACTION:
        return "* " + sender(e.from(), e.byService()) + " " + e.text() + "\n";
      case JOIN:
        return "* " + e.from() + " has joined #" + e.room() + "\n";
      case LEAVE:
      case QUIT:
        return "* " + e.from() + " has left #" + e.room() + (e.text() == null ? "" : " (" + e.text() + ")") + "\n";
      case RENAME:
        return "* " + e.from() + " is now known as " + e.text() + "\n";
      case TOPIC:
        return e.text().isEmpty() ? "* " + e.from() + " cleared the topic of #" + e.room() + "\n"
          : "* " + e.from() + " set the topic of #" + e.room() + ": " + e.text() + "\n";
      case MODE:
        return "* " + e.from() + " " + modeChange(e.text(), e.target(), e.room()) + "\n";
      case KICK:
        return "* " + e.from() + " put " + e.target() + " out of #" + e.room() + " (" + e.text() + ")\n";
      default:
        throw new IllegalArgumentException("unknown event kind " + e.kind());
    }
  }

  /** What a mode change did, after the name of who made it. */
  static String modeChange(String mode, String target, String room) {
    List<Moderation> flags = mode.length() > 2 ? Moderation.flags(mode) : null;
    if (flags != null) {
      // Several flags changed at once: each said in turn.
      List<String> each = new ArrayList<>();
      flags.forEach(f -> each.add(modeChange(f.mode(), null, room)));
      return String.join("; ", each);
    }
    return switch (mode) {
      case "+o" -> "made " + target + " an operator of #" + room;
      case "-o" -> "took operator status from " + target + " in #" + room;
      case "+t" -> "let only operators set the topic of #" + room;
      case "-t" -> "let everyone in #" + room + " set its topic";
      case "+b" -> "banned " + target + " from #" + room;
      case "-b" -> "lifted the ban of " + target + " from #" + room;
      case "+i" -> "closed #" + room + " to all but those invited";
      case "-i" -> "opened #" + room + " to everyone";
      case "+k" -> "gave #" + room + " a key";
      case "-k" -> "took the key of #" + room + " away";
      case "+l" -> "let at most " + target + " people into #" + room;
      case "-l" -> "took away the limit of #" + room;
      case "+m" -> "let only operators and voiced members speak in #" + room;
      case "-m" -> "let every member speak in #" + room;
      case "+v" -> "let " + target + " speak in #" + room + " when it is moderated";
      case "-v" -> "took " + target + "'s voice in #" + room;
      case "+s" -> "made #" + room + " secret: unlisted to those outside it";
      case "-s" -> "listed #" + room + " again";
      case "+n" -> "let only members speak in #" + room;
      case "-n" -> "let anyone send to #" + room + ", member or not";
      default -> "set mode " + mode + (target == null ? "" : " " + target) + " in #" + room;
    };
  }

  /** Who said it: a service's name is marked, so that no one takes a program for a person. */
  static String sender(String name, boolean service) {
    return service ? TextCodec.SERVICE_MARK + name : name;
  }
}
