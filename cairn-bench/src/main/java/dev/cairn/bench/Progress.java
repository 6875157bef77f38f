package dev.cairn.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * Runs a list of phases in order, printing a line per phase to stderr with its number, the time
 * elapsed and an estimate of the time left (the sum of the remaining phases' estimates, scaled by
 * how far the finished ones ran over or under theirs). Not thread-safe.
 */
final class Progress {

    /** One step of a long run, with how long it is expected to take. */
    record Phase(String label, double estimateSeconds, Step step) {
    }

    /** What a phase does. */
    interface Step {
        void run() throws Exception;
    }

    private final PrintStream out;

    Progress(PrintStream out) {
        this.out = out;
    }

    void run(List<Phase> phases) throws Exception {
        long start = System.nanoTime();
        double estimatedDone = 0;
        double total = phases.stream().mapToDouble(Phase::estimateSeconds).sum();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double scale = estimatedDone > 0 ? Math.max(0.5, elapsed / estimatedDone) : 1;
            double left = (total - estimatedDone) * scale;
            out.println(Fmt.f("[%2d/%d  %s elapsed, ~%s left] %s", i + 1, phases.size(), clock(elapsed), clock(left),
                    phase.label()));
            phase.step().run();
            estimatedDone += phase.estimateSeconds();
        }
        out.println(Fmt.f("[done in %s]", clock((System.nanoTime() - start) / 1e9)));
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return Fmt.f("%d:%02d", s / 60, s % 60);
    }
}
