/**
 * The public API for services, version 1: JSON requests on {@code chat.api.v1.*} turned into
 * {@link dev.chatbus.bus.SessionCommand}s and {@link dev.chatbus.bus.RoomCommand}s to the node's router,
 * and the JSON events services follow. Owns the API's checks and its JSON shapes ({@code docs/event-bus.md}).
 * <p>
 * May use: {@code bus}, {@code config}, {@code metrics}, {@code protocol} (names, the JSON event form).
 */
package dev.chatbus.api;
