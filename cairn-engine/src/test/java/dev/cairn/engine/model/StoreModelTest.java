package dev.cairn.engine.model;

import dev.cairn.engine.model.Op.Ev;
import dev.cairn.engine.model.Op.Expect;
import dev.cairn.engine.model.Op.Kind;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Model-based random test (in the manner of H2's {@code TestRandomMapOps}): random sequences of
 * appends (every kind of expected state, right and off by one), exact and partial retries,
 * multi-stream appends, soft deletes, tombstones, metadata and restarts, run against a fresh store
 * and against {@link StoreModel}; every outcome and, every few operations, every read must agree.
 *
 * <p>Small pools of stream names and event ids make collisions and duplicates frequent. Each try
 * gets its own temporary directory. jqwik keeps failing seeds in {@code target/jqwik-database}
 * (see {@code junit-platform.properties}), so a failure is replayed first on the next run.
 */
class StoreModelTest {

    static final int STREAMS = 5;
    static final int IDS = 30;
    static final int MAX_OPS = 60;

    // Edge cases would be short lists of one kind of operation: the random sequences cover them.
    @Property(tries = 120, edgeCases = EdgeCasesMode.NONE)
    void engineAgreesWithTheModel(@ForAll("operations") List<Op> ops) throws Exception {
        try (ModelRun run = new ModelRun()) {
            run.execute(ops);
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> stream = Arbitraries.integers().between(0, STREAMS - 1);
        Arbitrary<Expect> expect = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.of(-1, 0, 0, 1))
                .as(Expect::new);
        Arbitrary<List<Ev>> events = Combinators.combine(Arbitraries.integers().between(0, IDS - 1),
                        Arbitraries.integers().between(0, 2)).as(Ev::new)
                .list().ofMinSize(1).ofMaxSize(5).uniqueElements(Ev::id);
        Arbitrary<Op> append = Combinators.combine(stream, expect, events).as(Op.Append::new);
        Arbitrary<Op> retry = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.of(Op.RetryMode.class)).as(Op.Retry::new);
        Arbitrary<Op> multi = Combinators.combine(stream, expect, events).as(Op.Part::new)
                .list().ofMinSize(2).ofMaxSize(3).uniqueElements(Op.Part::stream).map(Op.Multi::new);
        Arbitrary<Op> multiRetry = Arbitraries.integers().between(0, 1000).map(Op.MultiRetry::new);
        Arbitrary<Op> multiSame = stream.map(Op.MultiSameStream::new);
        Arbitrary<Op> delete = Combinators.combine(stream, expect).as(Op.Delete::new);
        Arbitrary<Op> tombstone = Combinators.combine(stream, expect).as(Op.Tombstone::new);
        Arbitrary<Expect> metaExpect = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(new Expect(Kind.ANY, 0))),
                Tuple.of(1, expect));
        Arbitrary<Op> metadata = Combinators.combine(stream, metaExpect,
                Arbitraries.longs().between(1, 4).injectNull(0.4),
                Arbitraries.longs().between(0, 6).injectNull(0.6)).as(Op.SetMetadata::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Op.Reopen());
        Arbitrary<Op> verify = Arbitraries.just(new Op.Verify());
        return Arbitraries.frequencyOf(
                        Tuple.of(30, append),
                        Tuple.of(14, retry),
                        Tuple.of(8, multi),
                        Tuple.of(3, multiRetry),
                        Tuple.of(1, multiSame),
                        Tuple.of(4, delete),
                        Tuple.of(1, tombstone),
                        Tuple.of(5, metadata),
                        Tuple.of(2, reopen),
                        Tuple.of(4, verify))
                .list().ofMinSize(5).ofMaxSize(MAX_OPS).withSizeDistribution(RandomDistribution.uniform());
    }
}
