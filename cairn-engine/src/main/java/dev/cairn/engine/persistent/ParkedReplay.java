package dev.cairn.engine.persistent;

import dev.cairn.api.ResolvedEvent;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay of a group's parked messages: a virtual thread reads the parked stream page by page
 * (links resolved) and queues every parked event below the stop revision with the group, which
 * sends them before new events. Only once every replayed event is handled (acknowledged, skipped,
 * or parked again, which links it anew past the stop) does the replay hide the replayed links with
 * a truncate-before on the parked stream; a restart before that loses nothing, and the next
 * replay sends the rest again.
 *
 * <p>A group runs one replay (or truncate) at a time; this object is also the token of a
 * truncate. Thread-safety: the counts are guarded by the group's lock; the reading thread takes
 * that lock through the group.
 */
final class ParkedReplay {

    private static final Logger LOG = LoggerFactory.getLogger(ParkedReplay.class);

    private final SubscriptionGroup group;
    private final ParkedMessages parked;
    private final int pageSize;
    private final Executor callbacks;
    /** Replayed events queued and not yet handled (guarded by the group's lock). */
    private int outstanding;
    /** Every parked event below {@link #end} was queued (guarded by the group's lock). */
    private boolean allRead;
    private boolean finishing;
    private long end;

    ParkedReplay(SubscriptionGroup group, ParkedMessages parked, int pageSize, Executor callbacks) {
        this.group = group;
        this.parked = parked;
        this.pageSize = pageSize;
        this.callbacks = callbacks;
    }

    /** Starts queueing the parked events at revisions below {@code stop}. */
    void start(long stop) {
        Thread.ofVirtual().name("cairn-persistent-" + group.key() + "-replay").start(() -> run(stop));
    }

    private void run(long stop) {
        try {
            long next = 0;
            reading:
            while (next < stop) {
                List<ResolvedEvent> page = parked.read(next, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                for (ResolvedEvent e : page) {
                    long revision = ParkedMessages.revisionOf(e);
                    if (revision >= stop) {
                        break reading;
                    }
                    next = revision + 1;
                    // a link whose target is gone has nothing left to deliver
                    if (e.event() != null && !group.enqueueReplayed(this, e)) {
                        return;
                    }
                }
            }
            group.locked(() -> {
                allRead = true;
                end = stop;
                finishIfDone();
            });
        } catch (RuntimeException e) {
            LOG.warn("persistent subscription {}: replaying parked messages failed", group.key(), e);
            group.replayEnded(this);
        }
    }

    /** A replayed event was queued (the group's lock is held). */
    void queued() {
        outstanding++;
    }

    /** A replayed event was handled (the group's lock is held). */
    void handled() {
        outstanding--;
        finishIfDone();
    }

    private void finishIfDone() {
        if (!allRead || outstanding > 0 || finishing || !group.isReplaying(this)) {
            return;
        }
        finishing = true;
        parked.truncateBefore(end).whenCompleteAsync((result, error) -> {
            if (error != null) {
                LOG.warn("persistent subscription {}: removing replayed messages from {} failed: {}", group.key(),
                        parked.stream(), error.toString());
            }
            group.replayEnded(this);
        }, callbacks);
    }
}
