package dev.chatbus.faults;

import java.io.IOException;

/** An IRC client on the IRC port: no acks; a refusal is an error numeric, a FAIL, or a notice to it. */
final class IrcSender extends Sender {
  private boolean joined;

  IrcSender(String host, int ircPort, String name, String room) {
    super("irc", "i-", false, host, ircPort, name, room);
  }

  @Override
  void open() throws IOException {
    connect(false);
    send("NICK " + name);
    send("USER " + name + " 0 * :" + name);
    send("JOIN #" + room);
  }

  @Override
  boolean ready() {
    return joined;
  }

  @Override
  void say(int n) throws IOException {
    send("PRIVMSG #" + room + " :" + prefix + n);
  }

  @Override
  void heard(String line) throws IOException {
    if (line.startsWith("PING")) {
      send("PONG" + line.substring(4));
    } else if (line.contains(" 366 ")) {
      joined = true;
    } else if (joined && (line.matches(":\\S+ [45]\\d\\d .*") || line.matches(":\\S+ FAIL .*")
      || line.matches(":\\S+ NOTICE " + name + " .*"))) {
      error(line);
    }
  }
}
