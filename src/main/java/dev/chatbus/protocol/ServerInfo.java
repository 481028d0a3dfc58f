package dev.chatbus.protocol;

/**
 * What a client is told about the server it reached.
 *
 * @param software    name and version, for example {@code chatbus 0.1}
 * @param node        this node's name
 * @param defaultRoom the room every client enters on login
 */
public record ServerInfo(String software, String node, String defaultRoom) {
}
