package dev.chatbus.room;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Names;

/** Whether a name may be taken by a user, or spoken under by a service; a name that may not is refused. */
final class NameChecks {

  private final ChatbusConfig.Naming naming;
  private final Directory directory;

  NameChecks(ChatbusConfig.Naming naming, Directory directory) {
    this.naming = naming;
    this.directory = directory;
  }

  /** A user's name is valid, and neither reserved nor a service's. */
  void user(String name) {
    String problem = Names.nameProblem(name);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid name: " + problem);
    }
    problem = naming.userProblem(name);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, problem);
    }
  }

  /**
   * A service speaks under a valid name that is not reserved, is one of the service names when those are
   * listed, and that no user in the network holds, so it cannot pass for one.
   */
  void service(String service) {
    String problem = Names.nameProblem(service);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, "invalid service name: " + problem);
    }
    problem = naming.serviceProblem(service);
    if (problem != null) {
      throw new Refusal(ErrorCode.BAD_NAME, problem);
    }
    if (directory.byName(service) != null) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "a user is called " + service);
    }
  }
}
