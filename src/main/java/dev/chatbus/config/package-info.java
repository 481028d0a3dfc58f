/**
 * The settings of a node: one immutable, validated record built from {@code conf/config.json}, the
 * launcher's {@code -conf}, {@code CHATBUS_*} variables and {@code chatbus.*} properties, each bad value
 * named with its key.
 * <p>
 * May use: {@code protocol} (the rules for names).
 */
package dev.chatbus.config;
