/**
 * TLS for the listeners: the server's certificate and key, and the authorities of client certificates, read
 * from PEM files and read again when they change.
 * <p>
 * May use: {@code config}.
 */
package dev.chatbus.tls;
