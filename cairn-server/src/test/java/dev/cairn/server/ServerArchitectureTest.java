package dev.cairn.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's own layering: protocol types (protobuf messages, grpc-java) stay in the
 * {@code dev.cairn.server.grpc} adapters; the command line and the server wiring see only the
 * API, the engine and Armeria. Fails if it matches no class, so a rename cannot silence it.
 */
@AnalyzeClasses(packages = "dev.cairn.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

    @ArchTest
    static final ArchRule protocolTypesStayInTheAdapters = noClasses()
            .that().resideInAPackage("dev.cairn.server")
            .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..",
                    "dev.cairn.protocol..")
            .because("protobuf types live only in the server's gRPC adapters (dev.cairn.server.grpc)")
            .allowEmptyShould(false);
}
