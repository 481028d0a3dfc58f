/**
 * What crosses the event bus: the addresses, the message records ({@link dev.chatbus.bus.RouterMessage}
 * and its three protocols, {@link dev.chatbus.bus.Reply}, {@link dev.chatbus.bus.Persist},
 * {@link dev.chatbus.bus.RoomEvent}, {@link dev.chatbus.bus.PrivateMessage}), the error codes, and the
 * codecs with their wire form.
 * <p>
 * May use nothing of Chatbus's; every other package may use it.
 */
package dev.chatbus.bus;
