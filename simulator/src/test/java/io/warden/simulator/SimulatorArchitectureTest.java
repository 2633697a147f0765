package io.warden.simulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the simulator plain Java: no streaming framework, no wire format, no package cycles. */
@AnalyzeClasses(
        packages = "io.warden.simulator",
        importOptions = ImportOption.DoNotIncludeTests.class)
class SimulatorArchitectureTest {

    @ArchTest
    static final ArchRule simulatorKnowsNoStreamingFrameworkNorWireFormat =
            noClasses()
                    .that()
                    .resideInAPackage("io.warden.simulator..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "org.apache.flink..",
                            "org.apache.kafka..",
                            "org.apache.avro..",
                            "io.warden.schemas..",
                            "io.warden.jobs..")
                    .because("the simulator's models and attacks are plain Java (see DESIGN.md)");

    @ArchTest
    static final ArchRule simulatorPackagesHaveNoCycles =
            slices().matching("io.warden.simulator.(*)..").should().beFreeOfCycles();
}
