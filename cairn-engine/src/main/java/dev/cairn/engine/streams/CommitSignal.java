package dev.cairn.engine.streams;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Wakes subscriptions when the committed end of the log moves. The sync thread only stores the new
 * end and unparks one notifier thread, which wakes the waiting subscriptions, so that thousands of
 * subscribers cost the write path nothing.
 *
 * <p>Waiters register before they re-check the end and park, and the publisher stores the end
 * before it looks for waiters, so a wake-up is never lost. Thread-safe.
 */
final class CommitSignal implements AutoCloseable {

    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private final Thread notifier;
    private volatile long end;
    private volatile boolean closed;

    CommitSignal(long end) {
        this.end = end;
        this.notifier = Thread.ofPlatform().daemon().name("cairn-subscriptions-notifier").unstarted(this::run);
        notifier.start();
    }

    /** The committed end moved to {@code newEnd} (sync thread). */
    void published(long newEnd) {
        end = newEnd;
        if (!waiters.isEmpty()) {
            LockSupport.unpark(notifier);
        }
    }

    long end() {
        return end;
    }

    private void run() {
        while (!closed) {
            LockSupport.park(this);
            for (Thread waiter : waiters) {
                waiters.remove(waiter);
                LockSupport.unpark(waiter);
            }
        }
    }

    /**
     * Waits until the committed end is past {@code seen}, {@code cancelled} holds (checked after
     * every {@link #wake}), the calling thread is interrupted (the interrupt stays set) or the signal
     * closes. Returns the end.
     */
    long awaitBeyond(long seen, BooleanSupplier cancelled) {
        Thread me = Thread.currentThread();
        while (end <= seen && !closed && !me.isInterrupted() && !cancelled.getAsBoolean()) {
            waiters.add(me);
            if (end > seen || closed || cancelled.getAsBoolean()) {
                break;
            }
            LockSupport.park(this);
        }
        waiters.remove(me);
        return end;
    }

    /** Wakes a thread that may be waiting (it then sees why: interrupted, or closed). */
    void wake(Thread thread) {
        LockSupport.unpark(thread);
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(notifier);
        waiters.forEach(LockSupport::unpark);
    }
}
