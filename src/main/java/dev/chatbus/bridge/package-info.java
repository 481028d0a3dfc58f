/**
 * The TCP event-bus bridge: services in any language speak the API over length-prefixed JSON frames.
 * Owns the frame reader, the per-connection queue bound, tokens and the checks on what a bridge client may
 * send and hear.
 * <p>
 * May use: {@code bus}, {@code config}, {@code metrics}, {@code protocol}, {@code tls}, and {@code edge} for the
 * per-address connection limits.
 */
package dev.chatbus.bridge;
