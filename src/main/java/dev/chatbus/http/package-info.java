/**
 * The HTTP port: {@code /health}, Prometheus {@code /metrics} and the REST API, with its connection and
 * read limits.
 * <p>
 * May use: {@code bus}, {@code cluster}, {@code config}, {@code metrics}, {@code tls}, and {@code edge} for the
 * per-address connection limits.
 */
package dev.chatbus.http;
