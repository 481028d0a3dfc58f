package dev.chatbus.bus;

/**
 * Everything a room router consumes on {@link Addresses#router}, in arrival order: what a session's home is
 * asked ({@link SessionCommand}), what is done to a room at its owner ({@link RoomCommand}), and what
 * routers tell each other ({@link PeerMessage}).
 */
public sealed interface RouterMessage extends Wire.Writable permits SessionCommand, RoomCommand, PeerMessage {
}
