package dev.cairn.engine.persistent;

import dev.cairn.api.EventFilter;
import dev.cairn.api.EventStore;
import dev.cairn.api.PersistentSubscriptionSettings;
import dev.cairn.api.PersistentSubscriptionSettings.StartFrom;
import dev.cairn.api.Position;
import dev.cairn.api.ResolvedEvent;
import dev.cairn.api.StreamName;
import dev.cairn.api.StreamRevision;
import dev.cairn.api.SubscribeToAllOptions;
import dev.cairn.api.SubscribeToStreamOptions;
import dev.cairn.api.Subscription;
import dev.cairn.api.SubscriptionListener;

/**
 * What a group reads: one stream, or {@code $all} (optionally filtered). Knows how positions in it
 * are written as text (checkpoints, configuration, statistics) and how to start the store's
 * catch-up subscription that feeds the group. Immutable.
 */
sealed interface GroupSource permits GroupSource.ToStream, GroupSource.ToAll {

    /** The stream's name, or {@code $all}. */
    StreamName name();

    /** Where {@code event} stands in this source. */
    SourcePosition positionOf(ResolvedEvent event);

    /** Parses a checkpoint this source wrote. */
    SourcePosition parse(String text);

    /** KurrentDB's text for a start position: {@code -1}/{@code 0}/revision, or {@code C:-1/P:-1}/{@code C:0/P:0}/position. */
    String format(StartFrom start);

    /** The start position {@link #format} wrote. */
    StartFrom parseStart(String text);

    /**
     * Starts the catch-up subscription that feeds a group: after {@code checkpoint} (exclusive)
     * when there is one, else from the settings' start (inclusive).
     */
    Subscription subscribe(EventStore store, SourcePosition checkpoint, PersistentSubscriptionSettings settings,
            SubscriptionListener listener);

    /** One stream. */
    record ToStream(StreamName stream) implements GroupSource {

        @Override
        public StreamName name() {
            return stream;
        }

        @Override
        public SourcePosition positionOf(ResolvedEvent event) {
            return new SourcePosition.Revision(event.originalEvent().revision());
        }

        @Override
        public SourcePosition parse(String text) {
            return SourcePosition.parseRevision(text);
        }

        @Override
        public String format(StartFrom start) {
            return switch (start) {
                case StartFrom.Start s -> "0";
                case StartFrom.End e -> "-1";
                case StartFrom.Revision r -> Long.toString(r.revision());
                case StartFrom.At a -> throw new IllegalArgumentException("a stream group starts at a revision");
            };
        }

        @Override
        public StartFrom parseStart(String text) {
            long revision = SourcePosition.parseRevision(text).revision();
            return revision == -1 ? StartFrom.end() : StartFrom.revision(revision);
        }

        @Override
        public Subscription subscribe(EventStore store, SourcePosition checkpoint,
                PersistentSubscriptionSettings settings, SubscriptionListener listener) {
            StreamRevision after;
            if (checkpoint instanceof SourcePosition.Revision r) {
                after = StreamRevision.of(r.revision());
            } else {
                after = switch (settings.startFrom()) {
                    case StartFrom.Start s -> null;
                    case StartFrom.End e -> StreamRevision.END;
                    case StartFrom.Revision r -> StreamRevision.of(r.revision() - 1);
                    case StartFrom.At a -> throw new IllegalArgumentException("a stream group starts at a revision");
                };
            }
            return store.subscribeToStream(stream, new SubscribeToStreamOptions(after, settings.resolveLinks()),
                    listener);
        }
    }

    /** {@code $all}, with the filter the group was created with (null: every event). */
    record ToAll(EventFilter filter) implements GroupSource {

        @Override
        public StreamName name() {
            return StreamName.of(StreamName.ALL);
        }

        @Override
        public SourcePosition positionOf(ResolvedEvent event) {
            return SourcePosition.LogPosition.of(event.position());
        }

        @Override
        public SourcePosition parse(String text) {
            return SourcePosition.parseLogPosition(text);
        }

        @Override
        public String format(StartFrom start) {
            return switch (start) {
                case StartFrom.Start s -> "C:0/P:0";
                case StartFrom.End e -> "C:-1/P:-1";
                case StartFrom.At a -> SourcePosition.LogPosition.of(a.position()).toString();
                case StartFrom.Revision r -> throw new IllegalArgumentException("a $all group starts at a position");
            };
        }

        @Override
        public StartFrom parseStart(String text) {
            SourcePosition.LogPosition p = SourcePosition.parseLogPosition(text);
            if (p.commit() == -1 && p.prepare() == -1) {
                return StartFrom.end();
            }
            return StartFrom.position(p.toPosition());
        }

        @Override
        public Subscription subscribe(EventStore store, SourcePosition checkpoint,
                PersistentSubscriptionSettings settings, SubscriptionListener listener) {
            Position after;
            if (checkpoint instanceof SourcePosition.LogPosition p) {
                after = p.toPosition();
            } else {
                after = switch (settings.startFrom()) {
                    case StartFrom.Start s -> null;
                    case StartFrom.End e -> Position.END;
                    // inclusive: after the byte before it (the log aligns to the next record)
                    case StartFrom.At a -> a.position().prepare() == 0 ? null
                            : Position.of(a.position().prepare() - 1, a.position().prepare() - 1);
                    case StartFrom.Revision r -> throw new IllegalArgumentException("a $all group starts at a position");
                };
            }
            // a filtered group hears of skipped events every read batch, so its checkpoints move on
            return store.subscribeToAll(new SubscribeToAllOptions(after, settings.resolveLinks(), filter,
                    settings.readBatchSize()), listener);
        }
    }
}
