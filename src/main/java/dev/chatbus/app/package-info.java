/**
 * The {@code chatbus} command and the main verticle: options, logging and the cluster set-up chosen
 * before Vert.x starts, the start-up chain (store, router, edges, bridge, HTTP) and the shutdown in the
 * other order.
 * <p>
 * May use every other package; nothing uses it.
 */
package dev.chatbus.app;
