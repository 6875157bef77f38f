package dev.cairn.engine.streams;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The future of a write whose caller asked for it to complete on an executor of its own
 * ({@code EventStore.appendAsync(..., completeOn)}). Completing it only hands the completion to
 * that executor, so the writer's sync thread may complete it itself, like a {@link WaitedFuture}:
 * nothing of the caller's runs on the sync thread, and the caller's thread is woken one hop
 * sooner than through the completer. If the executor refuses the task (it is shutting down), the
 * future completes on the completing thread.
 *
 * <p>Only the first completion is handed on; later ones are ignored, as a completed future ignores
 * them. {@link #whenHandedOn} runs on the completing thread when that first completion is handed
 * on, which is sooner than anything chained to the future: the writer gives back the request's
 * room in its queue there, since the executor may be the very thread waiting for that room.
 */
final class HandOffFuture extends CompletableFuture<Object> {

    private final Executor completeOn;
    private final AtomicBoolean handedOn = new AtomicBoolean();
    private volatile Runnable whenHandedOn = () -> { };

    HandOffFuture(Executor completeOn) {
        this.completeOn = completeOn;
    }

    /** Sets what runs, on the completing thread, when the first completion is handed on. */
    void whenHandedOn(Runnable action) {
        this.whenHandedOn = action;
    }

    @Override
    public boolean complete(Object value) {
        return handOff(() -> super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        return handOff(() -> super.completeExceptionally(failure));
    }

    /**
     * Whether the completion was handed on (or run); the future may still be completed (cancelled)
     * before it runs.
     */
    private boolean handOff(Runnable completion) {
        if (!handedOn.compareAndSet(false, true)) {
            return false;
        }
        whenHandedOn.run();
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
