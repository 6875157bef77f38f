package dev.cairn.engine.persistent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.api.ConsumerStrategy;
import dev.cairn.api.RecordedEvent;
import dev.cairn.api.ResolvedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Picks the consumer a message goes to, by the group's {@link ConsumerStrategy}. A consumer is
 * eligible while it has fewer messages in flight than its buffer size.
 *
 * <p>The pinned strategies hash the message's key (source stream, or correlation id) against every
 * consumer and choose the highest weight (rendezvous hashing): a key stays with its consumer while
 * the consumers stay, and when one joins or leaves only the keys it wins or held move.
 *
 * <p>Not thread-safe: guarded by its group's lock.
 */
final class Dispatcher {

    private static final JsonFactory JSON = new JsonFactory();

    private final ConsumerStrategy strategy;
    /** Round robin: where the next search starts. Dispatch to single: the current consumer. */
    private int cursor;

    Dispatcher(ConsumerStrategy strategy) {
        this.strategy = strategy;
    }

    /** What a pick decided. */
    sealed interface Pick permits Pick.To, Pick.Skip, Pick.Full {
        /** Send it to {@code consumer}. */
        record To(Consumer consumer) implements Pick {
        }

        /** Its consumer is full: leave it for later and try the next message. */
        enum Skip implements Pick {
            INSTANCE
        }

        /** No consumer has room: stop dispatching. */
        enum Full implements Pick {
            INSTANCE
        }
    }

    Pick pick(Message message, List<Consumer> consumers) {
        int n = consumers.size();
        if (n == 0) {
            return Pick.Full.INSTANCE;
        }
        switch (strategy) {
            case ROUND_ROBIN -> {
                for (int i = 0; i < n; i++) {
                    int index = (cursor + i) % n;
                    Consumer c = consumers.get(index);
                    if (c.availableSlots() > 0) {
                        cursor = (index + 1) % n;
                        return new Pick.To(c);
                    }
                }
                return Pick.Full.INSTANCE;
            }
            case DISPATCH_TO_SINGLE -> {
                for (int i = 0; i < n; i++) {
                    cursor %= n;
                    Consumer c = consumers.get(cursor);
                    if (c.availableSlots() > 0) {
                        return new Pick.To(c);
                    }
                    cursor = (cursor + 1) % n;
                }
                return Pick.Full.INSTANCE;
            }
            case PINNED, PINNED_BY_CORRELATION -> {
                boolean anyRoom = false;
                for (Consumer c : consumers) {
                    anyRoom |= c.availableSlots() > 0;
                }
                if (!anyRoom) {
                    return Pick.Full.INSTANCE;
                }
                long key = hash(strategy == ConsumerStrategy.PINNED_BY_CORRELATION
                        ? correlationKey(message.event) : streamKey(message.event));
                Consumer best = null;
                long bestWeight = 0;
                for (Consumer c : consumers) {
                    long weight = mix(key ^ c.seed);
                    if (best == null || Long.compareUnsigned(weight, bestWeight) > 0) {
                        best = c;
                        bestWeight = weight;
                    }
                }
                return best.availableSlots() > 0 ? new Pick.To(best) : Pick.Skip.INSTANCE;
            }
            default -> throw new IllegalStateException("unknown strategy " + strategy);
        }
    }

    /** The source stream: a resolved link's target's, else the stream a link points to, else the event's. */
    static String streamKey(ResolvedEvent event) {
        RecordedEvent e = event.event() != null ? event.event() : event.link();
        if (e.type().isLink()) {
            String data = e.dataAsString();
            int at = data.indexOf('@');
            return at >= 0 ? data.substring(at + 1) : data;
        }
        return e.stream().value();
    }

    /** The {@code $correlationId} of the event's JSON metadata, else {@link #streamKey}. */
    static String correlationKey(ResolvedEvent event) {
        RecordedEvent e = event.event() != null ? event.event() : event.link();
        String correlation = correlationId(e.metadata());
        return correlation != null ? correlation : streamKey(event);
    }

    private static String correlationId(byte[] metadata) {
        if (metadata.length == 0) {
            return null;
        }
        try (JsonParser p = JSON.createParser(metadata)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("$correlationId".equals(name) && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** A 64-bit finalizer (SplitMix64's), so that similar inputs give unrelated weights. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
