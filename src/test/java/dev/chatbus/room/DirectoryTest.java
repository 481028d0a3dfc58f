package dev.chatbus.room;

import dev.chatbus.bus.Member;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryTest {

  private static Member member(long session, String name, String node) {
    return new Member(session, name, node, "chat.edge." + node + ".0", List.of("lobby"), "~" + name, name);
  }

  @Test
  void aNameTwoNodesGaveOutIsFoundByTheSessionThatKeepsIt() {
    // After a partition heals, each side's router tells the other of a session named "twin", until one of
    // the two is disconnected.
    Directory directory = new Directory();
    directory.replace("node-a", 1, List.of(member(1, "twin", "node-a")));
    directory.replace("node-b", 1, List.of(member(2, "Twin", "node-b")));
    assertThat(directory.byName("twin").session()).isEqualTo(1);

    directory.remove("node-a", 2, 1);
    assertThat(directory.byName("TWIN").session()).isEqualTo(2);
    assertThat(directory.members("lobby")).extracting(Member::session).containsExactly(2L);

    directory.remove("node-b", 2, 2);
    assertThat(directory.byName("twin")).isNull();
  }

  @Test
  void theSessionThatKeepsATwiceGivenNameIsFoundAfterTheOtherGoes() {
    Directory directory = new Directory();
    directory.replace("node-a", 1, List.of(member(1, "twin", "node-a")));
    directory.replace("node-b", 1, List.of(member(2, "twin", "node-b")));
    directory.remove("node-b", 2, 2);
    assertThat(directory.byName("twin").session()).isEqualTo(1);
    // A change of the remaining session's rooms keeps it found.
    directory.put("node-a", 2, new Member(1, "twin", "node-a", "chat.edge.node-a.0", List.of("lobby", "rust"), "~twin", "twin"));
    assertThat(directory.byName("twin").session()).isEqualTo(1);
  }
}
