package io.itinera.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules the code's layout promises, checked on the compiled classes. ArchUnit fails a rule that
 * matches no class, so none of these passes for want of classes.
 */
@AnalyzeClasses(packages = "io.itinera", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The decider is a pure function, shared with the CLI's simulator: no actors in it. */
  static final ArchRule journeysDslKnowsNothingOfPekko =
      noClasses()
          .that()
          .resideInAPackage("io.itinera.journeys..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.pekko..");

  /** Each engine package can be read, and changed, starting from the ones it uses. */
  static final ArchRule enginePackagesFormNoCycles =
      slices().matching("io.itinera.engine.(*)..").should().beFreeOfCycles();

  /**
   * HTTP is served in one place: the API in {@code gateway}, which also mounts the console's static
   * files ({@code console}). The one exception is {@code ops}, the management port's routes (health
   * checks, metrics), which Pekko Management loads by name from {@code management.conf}. Outbound
   * HTTP (the webhook senders) is the client side, not this.
   */
  static final ArchRule onlyTheGatewayAndTheManagementPortServeHttp =
      noClasses()
          .that()
          .resideInAPackage("io.itinera..")
          .and()
          .resideOutsideOfPackages(
              "io.itinera.engine.gateway..",
              "io.itinera.engine.ops..",
              "io.itinera.engine.console..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.pekko.http.javadsl.server..", "org.apache.pekko.http.scaladsl.server..");

  @ArchTest
  void journeysDslKnowsNothingOfPekko(JavaClasses classes) {
    journeysDslKnowsNothingOfPekko.check(classes);
  }

  @ArchTest
  void enginePackagesFormNoCycles(JavaClasses classes) {
    enginePackagesFormNoCycles.check(classes);
  }

  @ArchTest
  void onlyTheGatewayAndTheManagementPortServeHttp(JavaClasses classes) {
    onlyTheGatewayAndTheManagementPortServeHttp.check(classes);
  }
}
