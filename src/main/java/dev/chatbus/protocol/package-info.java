/**
 * The client protocols: line framing, the commands a client sends, the text, JSON-lines and IRC codecs,
 * and the rules for names and rooms.
 * <p>
 * May use: {@code bus}.
 */
package dev.chatbus.protocol;
