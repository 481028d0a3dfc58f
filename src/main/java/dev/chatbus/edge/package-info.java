/**
 * The client port: sockets on Netty channels of its own, line framing, protocol detection, each
 * connection's session state, rate limit, idle timeout and write queue, and the local fan-out of room
 * events to the clients in each room.
 * <p>
 * May use: {@code bus}, {@code config}, {@code metrics}, {@code protocol}, {@code tls}.
 */
package dev.chatbus.edge;
