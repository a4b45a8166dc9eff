package dev.switchboard;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.switchboard.delivery.Outbound;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.store.InboundJournal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of docs/architecture.md ("Dependency rules"): everything points inward to the core,
 * and the core names no adapter, backend or store implementation.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /** Packages that hold implementations: one per platform, backend and store. */
  private static final String[] IMPLEMENTATIONS = {
    "dev.switchboard.platform.(*)..", "dev.switchboard.agent.(*)..", "dev.switchboard.store.(*).."
  };

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.switchboard");
  }

  @Test
  void theCoreNamesNoImplementation() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.switchboard.common..",
            "dev.switchboard.config..",
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..",
            "dev.switchboard.auth..",
            "dev.switchboard.media..",
            "dev.switchboard.platform",
            "dev.switchboard.agent",
            "dev.switchboard.store")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(IMPLEMENTATIONS)
        .because("implementations are found with ServiceLoader, never named by the core")
        .check(classes);
  }

  @Test
  void implementationsSeeOnlyTheirSpiAndSharedBasics() {
    noClasses()
        .that()
        .resideInAnyPackage(IMPLEMENTATIONS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..",
            "dev.switchboard.delivery..")
        .check(classes);
  }

  @Test
  void implementationsDoNotKnowEachOther() {
    slices()
        .matching("dev.switchboard.platform.(*)..")
        .should()
        .notDependOnEachOther()
        .check(classes);
    slices()
        .matching("dev.switchboard.agent.(*)..")
        .should()
        .notDependOnEachOther()
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.agent.(*)..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.platform.(*)..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void theSpisStandOnTheirOwn() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.platform", "dev.switchboard.agent")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..")
        .check(classes);
  }

  @Test
  void sharedBasicsDependOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.config..",
            "dev.switchboard.platform..",
            "dev.switchboard.agent..",
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.platform..",
            "dev.switchboard.agent..",
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..")
        .check(classes);
  }

  @Test
  void theReplyTextPipelineKnowsNoPlatformAndNoGateway() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.platform..",
            "dev.switchboard.delivery..",
            "dev.switchboard.session..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.agent..",
            "dev.switchboard.store..",
            "dev.switchboard.command..",
            "dev.switchboard.config..",
            "dev.switchboard.auth..",
            "dev.switchboard.http..",
            "dev.switchboard.service..",
            "dev.switchboard.cli..")
        .because("platforms plug their markup into it and delivery splits with it")
        .check(classes);
  }

  @Test
  void commandsAndDeliveryKnowNothingOfSessionsOrTheRuntime() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.command..", "dev.switchboard.delivery..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.session..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..",
            "dev.switchboard.agent..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLineSitsOnTop() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.session..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.lifecycle..")
        .check(classes);
  }

  @Test
  void theHttpServerKnowsNothingOfTheGateway() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.lifecycle..",
            "dev.switchboard.session..",
            "dev.switchboard.platform..",
            "dev.switchboard.agent..",
            "dev.switchboard.store..",
            "dev.switchboard.cli..")
        .because("it serves what it is given; the runtime decides what health means")
        .check(classes);
  }

  @Test
  void installingAServiceKnowsOnlyConfiguration() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.service..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.lifecycle..",
            "dev.switchboard.session..",
            "dev.switchboard.platform..",
            "dev.switchboard.agent..",
            "dev.switchboard.store..",
            "dev.switchboard.http..",
            "dev.switchboard.delivery..",
            "dev.switchboard.command..",
            "dev.switchboard.cli..")
        .because("it writes a unit file and runs systemctl; the command line gives it the rest")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.switchboard.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void onlyMainExitsTheProcess() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.switchboard.cli.ExitGuard")
        .should()
        .callMethod(System.class, "exit", int.class)
        .because(
            "only cli.ExitGuard exits; everything else returns an exit code (lifecycle rule 3)")
        .check(classes);
  }

  @Test
  void onlyTheSessionsWriteTheJournalsStates() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.switchboard.session..", "dev.switchboard.store..")
        .should()
        .callMethodWhere(target(owner(assignableTo(InboundJournal.class)))
            .and(target(nameMatching("record.*|mark.*|prune.*"))))
        .because("one owner per state: InboundPipeline records a message, JournalListener"
            + " follows its turn, the store's Pruner forgets it (docs/architecture.md, \"How a"
            + " message flows\")")
        .check(classes);
  }

  @Test
  void outboundGoesFromDeliveryToThePlatformDirectly() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.switchboard.delivery..", "dev.switchboard.platform..")
        .should()
        .callMethodWhere(target(owner(assignableTo(PlatformAdapter.class)))
            .and(target(nameMatching("send|edit|typing|render|reply.*|noticeAbout"))))
        .because("every message to a chat goes through the outbox and the rate limits")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.delivery..")
        .should()
        .implement(Outbound.class)
        .because("delivery routes to the adapters itself (PlatformRouter); nothing in between")
        .check(classes);
  }

  @Test
  void platformAdaptersKnowNoSessionsNoDeliveryNoRuntime() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.platform..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.session..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.command..")
        .check(classes);
  }

  @Test
  void attachmentsKnowOnlyTheSharedBasicsAndThePlatformSpi() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.media..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.session..",
            "dev.switchboard.command..",
            "dev.switchboard.delivery..",
            "dev.switchboard.lifecycle..",
            "dev.switchboard.cli..",
            "dev.switchboard.agent..",
            "dev.switchboard.store..",
            "dev.switchboard.http..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void hooksKnowOnlyTheSharedBasics() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.hooks..")
        .should()
        .dependOnClassesThat(resideInAPackage("dev.switchboard..")
            .and(resideOutsideOfPackages(
                "dev.switchboard.hooks..", "dev.switchboard.common..", "dev.switchboard.config..")))
        .because("the events reach hooks as plain values; hooks know nothing of the gateway")
        .check(classes);
  }

  @Test
  void onlyTheRuntimeWiresTheScheduledJobs() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.switchboard.job..", "dev.switchboard.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.job..")
        .because("/cron reaches the jobs through command.GatewayControl, the admin API through"
            + " http.AdminCron's interface; only the runtime knows the job package")
        .check(classes);
  }

  @Test
  void onlyTheSessionsAndTheRuntimeReportEventsAndTheSessionsThroughTheSpiAlone() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.switchboard.hooks..",
            "dev.switchboard.session..",
            "dev.switchboard.job..",
            "dev.switchboard.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.hooks..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.session..", "dev.switchboard.job..")
        .should()
        .dependOnClassesThat(resideInAPackage("dev.switchboard.hooks..")
            .and(not(belongToAnyOf(GatewayEvents.class, EventChat.class))))
        .because("a turn reports through GatewayEvents; how hooks are run is the runtime's wiring")
        .check(classes);
  }

  @Test
  void webhooksReachTheGatewayOnlyThroughSyntheticTurnsAndDelivery() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.webhook..")
        .should()
        .dependOnClassesThat(resideInAPackage("dev.switchboard..")
            .and(resideOutsideOfPackages(
                "dev.switchboard.webhook..",
                "dev.switchboard.common..",
                "dev.switchboard.config..",
                "dev.switchboard.http..",
                "dev.switchboard.session..",
                "dev.switchboard.delivery..",
                "dev.switchboard.platform")))
        .because("a delivery becomes a synthetic turn or a send through the outbox, nothing else")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.switchboard.webhook..", "dev.switchboard.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.switchboard.webhook..")
        .because("only the runtime's wiring mounts the routes")
        .check(classes);
  }
}
