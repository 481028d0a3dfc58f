package dev.chatbus.protocol;

import dev.chatbus.protocol.IrcCodec.Ref;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * An IRC client's registration: {@code PASS}, {@code NICK} and {@code USER}, with {@code CAP} negotiation
 * holding it until {@code CAP END}. Once the client has a nick and a user (and gave the server password,
 * when there is one), it logs in ({@link ClientCommand.Hello}); a nick the server turns down is asked for
 * again. A registered nick takes its account's password: by SASL {@code PLAIN} ({@code AUTHENTICATE},
 * during {@code CAP} negotiation or after), or, on a server with no password of its own, by {@code PASS}.
 */
final class IrcRegistration {

  /**
   * The capabilities offered: {@code multi-prefix} (every prefix of a member in NAMES), {@code userhost-in-names}
   * (NAMES lists {@code nick!user@host}), {@code server-time} and {@code message-tags} (tags on what the
   * client is sent: the time, the message id; the tags clients send are not relayed, ISUPPORT
   * {@code CLIENTTAGDENY=*}), {@code echo-message} (what the client says comes back to it), {@code batch} and
   * {@code labeled-response} ({@link IrcLabels}), {@code draft/chathistory} and {@code draft/event-playback}
   * ({@link IrcHistory}).
   */
  static final List<String> OFFERED = List.of("batch", "draft/chathistory", "draft/event-playback", "echo-message",
    "labeled-response", "message-tags", "multi-prefix", "sasl", "server-time", "userhost-in-names");
  /** The longest piece of an {@code AUTHENTICATE} payload; a piece this long says more follows. */
  private static final int SASL_CHUNK = 400;

  private final IrcCodec codec;
  private String user;
  private String realname;
  private String password;
  /** True from {@code CAP LS} or {@code CAP REQ} before registration until {@code CAP END}. */
  private boolean negotiating;
  /** True once a login went to the server: registration is over, or under way. */
  private boolean registering;
  /** The SASL PLAIN payload so far (base64), while an {@code AUTHENTICATE PLAIN} exchange goes on; else null. */
  private StringBuilder sasl;

  IrcRegistration(IrcCodec codec) {
    this.codec = codec;
  }

  /** The user part of the client's mask: {@code ~} and what it gave in {@code USER}; null before. */
  String user() {
    return user;
  }

  /** The server turned the nick down: registration goes on with another. */
  void rejected() {
    registering = false;
  }

  /** A line before registration is over. */
  ClientCommand parse(IrcLine line) {
    switch (line.command()) {
      case "PASS":
        if (line.size() < 1) {
          return codec.needMore("PASS");
        }
        password = line.param(0);
        return new ClientCommand.Answer("");
      case "NICK":
        if (line.size() < 1 || line.param(0).isEmpty()) {
          return IrcCodec.answer(codec.numeric("431", ":No nickname given"));
        }
        codec.nick(line.param(0));
        return registered();
      case "USER":
        if (line.size() < 4 || line.param(0).isEmpty() || line.param(3).isEmpty()) {
          return codec.needMore("USER");
        }
        if (user != null) {
          return IrcCodec.answer(codec.numeric("462", ":You may not reregister"));
        }
        user = "~" + ident(line.param(0));
        realname = Text.clean(line.param(3));
        return registered();
      default:
        return IrcCodec.answer(codec.numeric("451", ":You have not registered"));
    }
  }

  /** Registration is complete once the client has a nick and a user, and is not negotiating capabilities. */
  private ClientCommand registered() {
    if (codec.nick() == null || user == null || negotiating || registering) {
      return new ClientCommand.Answer("");
    }
    if (!codec.server().password().isEmpty() && !codec.server().password().equals(password)) {
      return new ClientCommand.Close(Goodbye.BAD_PASSWORD);
    }
    registering = true;
    // Without a server password, PASS is the nick's account's.
    return new ClientCommand.Hello(codec.nick(), user, realname, codec.server().password().isEmpty() ? password : null,
      new Ref("NICK", codec.nick()));
  }

  /**
   * {@code AUTHENTICATE}: SASL {@code PLAIN} (the only mechanism offered), its payload in base64 pieces of at
   * most 400 bytes ({@code +} for an empty one); {@code *} aborts. The payload is {@code authzid NUL authcid
   * NUL password}: the client identifies as the account {@code authcid}.
   */
  ClientCommand authenticate(IrcLine line) {
    if (!codec.has("sasl")) {
      return IrcCodec.answer(codec.numeric("904", ":SASL authentication failed: request the sasl capability first"));
    }
    if (line.size() < 1 || line.param(0).isEmpty()) {
      return codec.needMore("AUTHENTICATE");
    }
    String arg = line.param(0);
    if (arg.equals("*")) {
      boolean going = sasl != null;
      sasl = null;
      return IrcCodec.answer(going ? codec.numeric("906", ":SASL authentication aborted") : codec.numeric("904",
        ":SASL authentication failed"));
    }
    if (sasl == null) {
      if (!arg.equalsIgnoreCase("PLAIN")) {
        return IrcCodec.answer(codec.numeric("908", "PLAIN :are available SASL mechanisms")
          + codec.numeric("904", ":SASL authentication failed"));
      }
      sasl = new StringBuilder();
      return IrcCodec.answer("AUTHENTICATE +" + IrcEvents.CRLF);
    }
    if (!arg.equals("+")) {
      sasl.append(arg);
    }
    if (arg.length() == SASL_CHUNK && sasl.length() < 4 * SASL_CHUNK) {
      return new ClientCommand.Answer("");
    }
    String payload = sasl.toString();
    sasl = null;
    String[] parts;
    try {
      parts = new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8).split("\0", -1);
    } catch (IllegalArgumentException e) {
      parts = new String[0];
    }
    if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
      return IrcCodec.answer(codec.numeric("904", ":SASL authentication failed: the payload is not PLAIN's"));
    }
    return new ClientCommand.Identify(parts[1], parts[2], new Ref("AUTHENTICATE", parts[1]));
  }

  /** {@code CAP}, before registration or after. */
  ClientCommand cap(IrcLine line, boolean loggedIn) {
    String sub = line.size() == 0 ? "" : line.param(0).toUpperCase(Locale.ROOT);
    String me = codec.me();
    switch (sub) {
      case "LS":
        if (!loggedIn) {
          negotiating = true;
        }
        return IrcCodec.answer(":" + codec.serverName() + " CAP " + me + " LS :" + String.join(" ", OFFERED) + CRLF);
      case "LIST":
        return IrcCodec.answer(":" + codec.serverName() + " CAP " + me + " LIST :" + String.join(" ", codec.caps()) + CRLF);
      case "REQ": {
        if (!loggedIn) {
          negotiating = true;
        }
        String asked = line.size() > 1 ? line.param(1) : "";
        return IrcCodec.answer(":" + codec.serverName() + " CAP " + me + (request(asked) ? " ACK :" : " NAK :") + asked + CRLF);
      }
      case "END":
        if (loggedIn || !negotiating) {
          return new ClientCommand.Answer("");
        }
        negotiating = false;
        return registered();
      default:
        return IrcCodec.answer(codec.numeric("410", (line.size() == 0 ? "*" : line.param(0)) + " :Invalid CAP command"));
    }
  }

  /**
   * Turns on (or, with {@code -}, off) every capability {@code asked} names, if Chatbus offers each of them;
   * otherwise none, as IRC wants. Returns whether it did.
   */
  private boolean request(String asked) {
    List<String> names = new ArrayList<>();
    for (String cap : asked.strip().split(" +")) {
      String name = cap.startsWith("-") ? cap.substring(1) : cap;
      if (!OFFERED.contains(name.toLowerCase(Locale.ROOT))) {
        return false;
      }
      names.add(cap.toLowerCase(Locale.ROOT));
    }
    if (names.isEmpty() || names.get(0).isEmpty()) {
      return false;
    }
    for (String cap : names) {
      codec.cap(cap.startsWith("-") ? cap.substring(1) : cap, !cap.startsWith("-"));
    }
    return true;
  }

  /** The user name an IRC client gave, as the user part of its mask: at most 10 characters a mask may hold. */
  private static String ident(String given) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < given.length() && sb.length() < 10; i++) {
      char c = given.charAt(i);
      if (c > ' ' && c < 0x7f && c != '@' && c != '!' && c != '*' && c != '?') {
        sb.append(c);
      }
    }
    return sb.length() == 0 ? "user" : sb.toString();
  }
}
