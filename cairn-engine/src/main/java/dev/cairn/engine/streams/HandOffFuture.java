package dev.cairn.engine.streams;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The future of a write whose caller asked for it to complete on an executor of its own
 * ({@code EventStore.appendAsync(..., completeOn)}). Completing it only hands the completion to
 * that executor, so the writer's sync thread may complete it itself, like a {@link WaitedFuture}:
 * nothing of the caller's runs on the sync thread, and the caller's thread is woken one hop
 * sooner than through the completer. If the executor refuses the task (it is shutting down), the
 * future completes on the completing thread.
 */
final class HandOffFuture extends CompletableFuture<Object> {

    private final Executor completeOn;

    HandOffFuture(Executor completeOn) {
        this.completeOn = completeOn;
    }

    @Override
    public boolean complete(Object value) {
        return handOff(() -> super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        return handOff(() -> super.completeExceptionally(failure));
    }

    /** Whether the completion was handed on (or run); the future may still be completed before it runs. */
    private boolean handOff(Runnable completion) {
        if (isDone()) {
            return false;
        }
        try {
            completeOn.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
        return true;
    }
}
