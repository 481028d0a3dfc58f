package dev.chatbus.protocol;

import java.util.List;

/**
 * What IRC clients are told of the server, the same for every connection of a node.
 *
 * @param name     the server's name, the source of its numerics and what {@code PONG} names
 * @param network  the network's name (ISUPPORT {@code NETWORK})
 * @param version  the software's name and version, as one word
 * @param created  when the server started, for {@code 003}
 * @param node     the node's name: the host part of the masks of the users on it
 * @param password the server password a client gives with {@code PASS}; empty when none is asked for
 * @param motd     the message of the day, line by line; empty for none ({@code 422})
 * @param maxRooms how many channels one client may be in (ISUPPORT {@code CHANLIMIT})
 * @param historyLimit the most messages one {@code CHATHISTORY} answers with (ISUPPORT {@code CHATHISTORY}):
 *                     {@code history.windowLimit()}
 */
public record IrcServer(String name, String network, String version, String created, String node, String password,
                        List<String> motd, int maxRooms, int historyLimit) {

  public IrcServer {
    motd = List.copyOf(motd);
  }
}
