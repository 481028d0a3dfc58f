package dev.chatbus.room;

import dev.chatbus.account.RegisteredNames;
import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import dev.chatbus.config.ChatbusConfig;
import dev.chatbus.protocol.Names;

/** Whether a name may be taken by a user, or spoken under by a service; a name that may not is refused. */
final class NameChecks {

  private final ChatbusConfig.Naming naming;
  private final Directory directory;
  private final RegisteredNames registered;

  NameChecks(ChatbusConfig.Naming naming, Directory directory, RegisteredNames registered) {
    this.naming = naming;
    this.directory = directory;
    this.registered = registered;
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
   * listed, that no user in the network holds, and that is no user's account, so it cannot pass for one,
   * online or not.
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
    if (registered.contains(service)) {
      throw new Refusal(ErrorCode.NAME_TAKEN, "the name " + service + " is a user's account");
    }
  }
}
