package io.warden.detectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the detector library a plain-Java library that Flink jobs and other hosts can wrap. */
@AnalyzeClasses(
        packages = "io.warden.detectors",
        importOptions = ImportOption.DoNotIncludeTests.class)
class DetectorsArchitectureTest {

    @ArchTest
    static final ArchRule detectorsKnowNoStreamingFrameworkNorWireFormat =
            noClasses()
                    .that()
                    .resideInAPackage("io.warden.detectors..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "org.apache.flink..",
                            "org.apache.kafka..",
                            "org.apache.avro..",
                            "io.warden.schemas..")
                    .because(
                            "detectors work on plain Java values and must stay usable outside"
                                    + " Flink (see DESIGN.md)");

    @ArchTest
    static final ArchRule detectorPackagesHaveNoCycles =
            slices().matching("io.warden.detectors.(*)..").should().beFreeOfCycles();
}
