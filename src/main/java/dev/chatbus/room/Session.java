package dev.chatbus.room;

import java.util.LinkedHashSet;
import java.util.Set;

/** A logged-in user as the router knows it. Touched only on the router's context. */
final class Session {

  final long id;
  /** The edge address that holds the session's connection. */
  final String edge;
  final String remote;
  final Set<String> rooms = new LinkedHashSet<>();
  String name;

  Session(long id, String name, String edge, String remote) {
    this.id = id;
    this.name = name;
    this.edge = edge;
    this.remote = remote;
  }
}
