package dev.cairn.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The client's layering: it speaks the protocol itself, so it must depend on neither the engine
 * nor the server (they are on its test classpath only, for the conformance suite), nor on the
 * official KurrentDB client, which is a test oracle and never a runtime dependency.
 */
@AnalyzeClasses(packages = "dev.cairn.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

    @ArchTest
    static final ArchRule noEngineServerOrOfficialClient = noClasses()
            .that().resideInAPackage("dev.cairn.client..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.engine..", "dev.cairn.server..",
                    "io.kurrent..", "com.eventstore..")
            .because("cairn-client talks KurrentDB's protocol with its own generated stubs (cairn-protocol)")
            .allowEmptyShould(false);
}
