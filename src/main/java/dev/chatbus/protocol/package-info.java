/**
 * The client protocols: line framing, the commands a client sends, the text and JSON-lines codecs, and
 * the rules for names and rooms.
 * <p>
 * May use: {@code bus}.
 */
package dev.chatbus.protocol;
