package dev.cairn.engine.streams;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a write that a blocking call of the engine waits on, and that never reaches the
 * caller: nothing of the caller's is chained to it, so the writer's sync thread may complete it
 * itself, which wakes the caller one thread hop sooner than the completer would.
 */
final class WaitedFuture extends CompletableFuture<Object> {
}
