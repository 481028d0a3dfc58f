/**
 * Chatbus's meters next to Vert.x's, in one Micrometer registry served as Prometheus text.
 * <p>
 * May use nothing of Chatbus's.
 */
package dev.chatbus.metrics;
