/**
 * Being one of many nodes: the Hazelcast set-up, who is in the network ({@link dev.chatbus.cluster.Membership}),
 * the hash ring that picks each room's owner, and the registry that keeps names unique across nodes.
 * <p>
 * May use: {@code config}.
 */
package dev.chatbus.cluster;
