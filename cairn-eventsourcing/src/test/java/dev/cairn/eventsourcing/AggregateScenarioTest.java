package dev.cairn.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.eventsourcing.dogs.Dog;
import dev.cairn.eventsourcing.dogs.DogEvent;
import dev.cairn.eventsourcing.dogs.DogEvent.DogRegistered;
import dev.cairn.eventsourcing.dogs.DogEvent.TrickAdded;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Given/when/then on an aggregate, and that the helper fails when the expectation is wrong. */
class AggregateScenarioTest {

    static final DogRegistered REX = new DogRegistered("Rex", "collie", LocalDate.of(2020, 1, 1));

    @Test
    void givenEventsWhenACommandThenItsEvents() {
        AggregateScenario.of(Dog::new)
                .given(REX)
                .when(d -> d.addTrick("sit"))
                .then(new TrickAdded("sit"))
                .state(d -> assertThat(d.version()).isEqualTo(1));
        AggregateScenario.of(Dog::new)
                .given(REX, new TrickAdded("sit"))
                .when(d -> d.addTrick("sit"))
                .thenNothing();
        IllegalStateException e = AggregateScenario.<Dog, DogEvent>of(Dog::new).withId("rex")
                .given(REX)
                .when(d -> d.register("Rex", "collie"))
                .thenThrows(IllegalStateException.class);
        assertThat(e).hasMessage("dog rex is already registered");
    }

    @Test
    void aWrongExpectationFailsTheTest() {
        assertThatThrownBy(() -> AggregateScenario.of(Dog::new).given(REX).when(d -> d.addTrick("sit"))
                .then(new TrickAdded("beg"))).isInstanceOf(AssertionError.class).hasMessageContaining("beg");
        assertThatThrownBy(() -> AggregateScenario.of(Dog::new).when(d -> d.addTrick("sit"))
                .then(new TrickAdded("sit"))).isInstanceOf(AssertionError.class).hasMessageContaining("threw");
        assertThatThrownBy(() -> AggregateScenario.of(Dog::new).given(REX).when(d -> d.addTrick("sit"))
                .thenThrows(IllegalStateException.class)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> AggregateScenario.of(Dog::new).when(d -> d.addTrick("sit"))
                .thenThrows(IllegalArgumentException.class)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> AggregateScenario.of(Dog::new).given(REX).when(d -> d.addTrick("sit"))
                .thenNothing()).isInstanceOf(AssertionError.class);
    }
}
