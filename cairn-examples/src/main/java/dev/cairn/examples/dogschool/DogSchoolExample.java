package dev.cairn.examples.dogschool;

import dev.cairn.api.EventStore;
import java.io.PrintStream;
import java.nio.file.Path;

/** The dog school from start to end: what {@code ./cairn example dog-school} runs. */
public final class DogSchoolExample {

    private DogSchoolExample() {
    }

    public static void run(EventStore store, Path workDir, PrintStream out) throws Exception {
        DogSchool school = new DogSchool(store);
        try (CountsView view = CountsView.start(store, "jdbc:sqlite:" + workDir.resolve("dog-school-view.db"))) {
            long dogsBefore = view.dogs();
            long tricksBefore = view.tricks();

            String fido = school.registerDog("Fido");
            school.addTrick(fido, "roll over");
            school.addTrick(fido, "fetch ball");
            out.println("Fido: " + school.dog(fido));

            String buster = school.registerDog("Buster");
            school.addTrick(buster, "juggle");
            out.println("Buster: " + school.dog(buster));

            view.waitFor(school.lastPosition(buster));
            out.println("view: " + (view.dogs() - dogsBefore) + " dogs and " + (view.tricks() - tricksBefore)
                    + " tricks added by this run (" + view.dogs() + " dogs, " + view.tricks() + " tricks in all)");

            // the view follows new events as they arrive
            String milo = school.registerDog("Milo");
            view.waitFor(school.addTrick(milo, "play dead"));
            out.println("after Milo: " + (view.dogs() - dogsBefore) + " dogs and " + (view.tricks() - tricksBefore)
                    + " tricks added by this run");

            try {
                school.addTrick("no-such-dog", "sit");
            } catch (IllegalStateException e) {
                out.println("refused: " + e.getMessage());
            }
        }
    }
}
