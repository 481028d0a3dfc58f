/**
 * The benchmark tool ({@code scripts/bench.sh}): load generators for Chatbus, IRC servers and Redis, its
 * workloads and its report. A client of Chatbus over its sockets, like any other.
 * <p>
 * May use nothing of Chatbus's server packages.
 */
package dev.chatbus.bench;
