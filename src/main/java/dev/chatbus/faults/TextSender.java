package dev.chatbus.faults;

import java.io.IOException;

/** A text client on the client port: no acks; a refusal is a line beginning "! ". */
final class TextSender extends Sender {
  TextSender(String host, int port, String name, String room) {
    super("text", "t-", false, host, port, name, room);
  }

  @Override
  void open() throws IOException {
    connect(true);
    send(name);
    send("/join " + room);
  }

  @Override
  void say(int n) throws IOException {
    send(prefix + n);
  }

  @Override
  void heard(String line) {
    if (line.startsWith("! ")) {
      error(line);
    }
  }
}
