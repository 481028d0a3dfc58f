package dev.chatbus.config;

/** A configuration value is missing, malformed or out of range; the message names the key and the rule. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
