package dev.chatbus.app;

import dev.chatbus.account.Grant;
import dev.chatbus.account.Tokens;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Names;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code chatbus token NAME [--read ROOMS] [--post ROOMS] [--tell] [--ttl DURATION] [-conf FILE]}: prints a
 * signed token for NAME (a service, or a user of the JSON protocol) with the node's {@code tokens.secret}:
 * it may read the rooms of {@code --read} and post in those of {@code --post} (comma-separated names, or
 * {@code *} for every room), send private messages with {@code --tell}, until {@code --ttl} from now (30
 * days unless said).
 */
final class TokenCommand {

  static final String USAGE = "usage: chatbus token NAME [--read ROOM,...] [--post ROOM,...] [--tell] [--ttl 30d] [-conf FILE]";
  private static final Duration DEFAULT_TTL = Duration.ofDays(30);

  private TokenCommand() {
  }

  /** Runs the command with {@code args} (after {@code token}) and {@code config}; returns the exit status. */
  static int run(String[] args, ChatbusConfig config, PrintStream out, PrintStream err) {
    if (!config.tokens().enabled()) {
      err.println("chatbus token: tokens.secret is not set (CHATBUS_TOKENS_SECRET, or tokens.secret in the config)");
      return 1;
    }
    String name = null;
    Set<String> read = new LinkedHashSet<>();
    Set<String> post = new LinkedHashSet<>();
    boolean tell = false;
    Duration ttl = DEFAULT_TTL;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--read" -> read.addAll(rooms(value(args, ++i)));
          case "--post" -> post.addAll(rooms(value(args, ++i)));
          case "--tell" -> tell = true;
          case "--ttl" -> {
            ttl = ChatbusConfig.parseDuration(value(args, ++i));
            if (ttl == null || ttl.isZero()) {
              throw new IllegalArgumentException("--ttl: expected a duration such as 12h or 30d");
            }
          }
          case "-conf" -> i++;
          default -> {
            if (args[i].startsWith("-conf=")) {
              continue;
            }
            if (args[i].startsWith("-") || name != null) {
              throw new IllegalArgumentException("unexpected " + args[i]);
            }
            name = args[i];
          }
        }
      }
      if (name == null) {
        throw new IllegalArgumentException("whose token is it? give a NAME");
      }
      String problem = Names.nameProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException("invalid name: " + problem);
      }
    } catch (IllegalArgumentException e) {
      err.println("chatbus token: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      out.println(Tokens.create(vertx, config.tokens().secret()).mint(new Grant(name, read, post, tell, 0), ttl));
      return 0;
    } finally {
      vertx.close();
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static Set<String> rooms(String list) {
    Set<String> rooms = new LinkedHashSet<>();
    for (String r : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
      String room = r.equals(Grant.ALL) ? Grant.ALL : Names.room(r);
      if (room == null) {
        throw new IllegalArgumentException("invalid room: " + r + ": " + Names.roomProblem(r));
      }
      rooms.add(room);
    }
    return rooms;
  }
}
