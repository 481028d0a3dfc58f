package dev.chatbus.support;

import io.vertx.core.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs a test's step on a Vert.x context, as a verticle's own code would run, and hands back its result. */
public final class OnContext {

  private OnContext() {
  }

  /** The result of {@code action} run on {@code context}; what it throws is thrown here, within 10 s. */
  public static <T> T call(Context context, Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }
}
