package dev.chatbus.room;

import dev.chatbus.bus.AccountCommand;
import dev.chatbus.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * The router's way to the audit table: each moderation action goes to its node's accounts workers, which
 * write it. Without a store there is no table, and no worker to take it: nothing is written.
 */
final class Audit {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final EventBus bus;
  private final String address;

  Audit(EventBus bus, String node) {
    this.bus = bus;
    this.address = Addresses.records(node);
  }

  /** {@code actor} did {@code action} to {@code target}, with {@code detail} (or null). */
  void record(String actor, String action, String target, String detail) {
    bus.send(address, new AccountCommand.Audit(actor, action, target, null, detail), LOCAL);
  }
}
