package dev.cairn.eventsourcing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The toolkit works on the EventStore API alone, so the same code runs embedded or remote: it must
 * not depend on the engine, the server, the client or the protocol.
 */
@AnalyzeClasses(packages = "dev.cairn.eventsourcing", importOptions = ImportOption.DoNotIncludeTests.class)
class ToolkitArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheApi = noClasses()
            .that().resideInAPackage("dev.cairn.eventsourcing..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.engine..", "dev.cairn.server..",
                    "dev.cairn.client..", "dev.cairn.protocol..", "io.grpc..", "com.google.protobuf..")
            .because("the toolkit depends on cairn-api only: one code path for embedded and remote stores")
            .allowEmptyShould(false);
}
