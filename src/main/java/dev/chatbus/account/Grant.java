package dev.chatbus.account;

import dev.chatbus.bus.Addresses;
import dev.chatbus.protocol.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a signed token ({@link Tokens}) lets its bearer do: speak as {@code subject}, read the rooms of
 * {@code read} and post in those of {@code post} (each a room's name, or {@code *} for every room), and send
 * private messages when {@code tell}; until {@code expiresAt} (epoch milliseconds). A room one may post in is
 * one one may read. Immutable.
 */
public record Grant(String subject, Set<String> read, Set<String> post, boolean tell, long expiresAt) {

  /** Every room. */
  public static final String ALL = "*";

  public Grant {
    read = Set.copyOf(read);
    post = Set.copyOf(post);
  }

  public boolean mayPost(String room) {
    return post.contains(ALL) || post.contains(room);
  }

  public boolean mayRead(String room) {
    return mayPost(room) || read.contains(ALL) || read.contains(room);
  }

  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAt;
  }

  /**
   * Why a request of the public API ({@code address}, one of {@code chat.api.v1.*}, with {@code body}) is
   * not this grant's to make, or null if it is: a message or a topic in a room it may not post in, a
   * history or a member list of one it may not read, a private message without {@code tell}, speaking as
   * someone other than its subject; moderation is no token's. The list of rooms is any token's.
   */
  public String refusal(String address, Object body) {
    JsonObject req = body instanceof JsonObject o ? o : new JsonObject();
    Object service = req.getValue("service");
    switch (address) {
      case Addresses.API_ROOMS:
        return null;
      case Addresses.API_SAY:
      case Addresses.API_TOPIC:
        return !subject.equals(service) ? "this token speaks as " + subject + " only"
          : mayPost(room(req)) ? null : "this token does not let its bearer post in " + req.getValue("room");
      case Addresses.API_TELL:
        return !subject.equals(service) ? "this token speaks as " + subject + " only"
          : tell ? null : "this token does not let its bearer send private messages";
      case Addresses.API_HISTORY:
      case Addresses.API_MEMBERS:
        return mayRead(room(req)) ? null : "this token does not let its bearer read " + req.getValue("room");
      default:
        return "this token does not let its bearer use " + address;
    }
  }

  /** Whether the bearer may listen on {@code address}: a room's events it may read, or everyone's presence with every room. */
  public boolean mayListen(String address) {
    if (Addresses.isApiRoom(address)) {
      return mayRead(address.substring(Addresses.apiRoom("").length()));
    }
    return Addresses.API_PRESENCE.equals(address) && read.contains(ALL);
  }

  private static String room(JsonObject req) {
    Object room = req.getValue("room");
    String normal = room instanceof String s ? Names.room(s) : null;
    return normal == null ? "" : normal;
  }

  /** The token's claims: {@code sub}, {@code read}, {@code post}, {@code tell} ({@code exp} is the signer's). */
  JsonObject claims() {
    return new JsonObject().put("sub", subject).put("read", new JsonArray(read.stream().sorted().toList()))
      .put("post", new JsonArray(post.stream().sorted().toList())).put("tell", tell);
  }

  /** The grant a verified token's claims make, or null when they are not a Chatbus grant's. */
  static Grant of(JsonObject claims) {
    Object sub = claims.getValue("sub");
    Object exp = claims.getValue("exp");
    if (!(sub instanceof String subject) || Names.nameProblem(subject) != null || !(exp instanceof Number expires)) {
      return null;
    }
    Set<String> read = rooms(claims.getValue("read"));
    Set<String> post = rooms(claims.getValue("post"));
    if (read == null || post == null) {
      return null;
    }
    return new Grant(subject, read, post, Boolean.TRUE.equals(claims.getValue("tell")), expires.longValue() * 1000);
  }

  /** Room names (normalized) or {@code *}; an empty set when missing; null when not a list of valid ones. */
  private static Set<String> rooms(Object value) {
    Set<String> rooms = new LinkedHashSet<>();
    if (value == null) {
      return rooms;
    }
    if (!(value instanceof JsonArray list)) {
      return null;
    }
    for (Object o : list) {
      String room = ALL.equals(o) ? ALL : o instanceof String s ? Names.room(s) : null;
      if (room == null) {
        return null;
      }
      rooms.add(room);
    }
    return rooms;
  }
}
