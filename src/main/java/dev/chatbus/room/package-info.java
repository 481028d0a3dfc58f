/**
 * The room router: the home of a node's sessions and the owner of its share of the rooms. Its parts
 * ({@link dev.chatbus.room.RoomRouterVerticle}, {@code Home}, {@code Owner}, {@code TakeOver},
 * {@code Peers}, {@code PassedOn}, {@code Outbox}, {@code Readers}) share the verticle's one context and
 * need no locks.
 * <p>
 * May use: {@code bus}, {@code cluster}, {@code config}, {@code metrics}, {@code persist} (history pages),
 * {@code protocol} (names, the JSON event form).
 */
package dev.chatbus.room;
