// The Android-free Kotlin both apps share: presenters, text tables, the staff console's rules.
// Its checks are plain programs, not JUnit tests, because tests/tests/kotlin.rs compiles the same
// sources with nothing but kotlinc and JNA: `presenterChecks` needs nothing else, `liveScenario`
// needs the core built for this machine and a running server.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.kotlin.jvm)
}

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

// Java 17 bytecode whatever JDK runs Gradle (Android Studio bundles a newer one); no toolchain
// download needed.
kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

// The bindings' Kotlin compiled for the JVM, only so that this module compiles and its checks run
// against it: the apps take the same classes from :bindings, so they stay out of this jar (two
// copies would be duplicate classes in the app).
val bindings: SourceSet = sourceSets.create("bindings")
kotlin.sourceSets.getByName("bindings").kotlin.srcDir(rootProject.file("bindings/src/main/kotlin"))

dependencies {
    "bindingsImplementation"(libs.jna)
    compileOnly(bindings.output)
    testImplementation(bindings.output)
    testImplementation(libs.jna)
}

val presenterChecks = tasks.register<JavaExec>("presenterChecks") {
    description = "Runs the presenters' checks (no server, no native library needed)."
    group = "verification"
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("id.giliran.shared.checks.PresenterChecksKt")
}

tasks.named("check") { dependsOn(presenterChecks) }

// ./gradlew :shared:liveScenario -Pgiliran.server=http://127.0.0.1:8080 \
//   -Pgiliran.adminPassword=… -Pgiliran.library=<dir holding the host's libgiliran_core.so>
tasks.register<JavaExec>("liveScenario") {
    description = "Runs the JVM scenario against a live server, as tests/tests/kotlin.rs does."
    group = "verification"
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("id.giliran.shared.JvmScenarioKt")
    val server = providers.gradleProperty("giliran.server")
    val password = providers.gradleProperty("giliran.adminPassword")
    val library = providers.gradleProperty("giliran.library")
    val data = layout.buildDirectory.dir("scenario-data")
    argumentProviders.add(CommandLineArgumentProvider { listOf(server.get(), password.get(), data.get().asFile.path) })
    jvmArgumentProviders.add(CommandLineArgumentProvider { listOf("-Djna.library.path=${library.get()}") })
}
