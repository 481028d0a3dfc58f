/**
 * Accounts: registered names and their passwords (hashed with argon2id), the failed-login limits, and the
 * worker that checks and registers them off the event loops.
 */
package dev.chatbus.account;
