/**
 * Keeping what was said: the persistence worker (the only code that blocks), the history readers, the
 * JDBC store on H2 or PostgreSQL with its Flyway schema, and the assembly of history pages.
 * <p>
 * May use: {@code bus}, {@code config}, {@code metrics}.
 */
package dev.chatbus.persist;
