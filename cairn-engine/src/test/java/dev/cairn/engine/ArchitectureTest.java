package dev.cairn.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering the architecture promises, checked on the compiled main classes of the api and
 * the engine: the api depends on the JDK alone; the engine never sees the transport (gRPC,
 * protobuf) or the server. Both rules fail if they match no class at all, so a package rename
 * cannot turn them into silent passes.
 */
@AnalyzeClasses(packages = "dev.cairn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule apiDependsOnlyOnTheJdk = classes()
            .that().resideInAPackage("dev.cairn.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.cairn.api..")
            .because("cairn-api is the transport-neutral public API and has no dependencies")
            .allowEmptyShould(false);

    @ArchTest
    static final ArchRule engineDoesNotSeeTheTransport = noClasses()
            .that().resideInAPackage("dev.cairn.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..", "dev.cairn.server..")
            .because("protobuf types live only in the server's gRPC adapters; the engine is embeddable")
            .allowEmptyShould(false);
}
