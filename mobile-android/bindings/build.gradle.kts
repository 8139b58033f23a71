// The core as an Android library: the UniFFI Kotlin and libgiliran_core.so for each ABI, both
// made by scripts/android-build and never checked in, plus JNA's Android build they load through.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

/** The ABIs scripts/android-build builds the core for: phones, old phones, the emulator. */
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

android {
    namespace = "id.giliran.bindings"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

// Java 17 bytecode whatever JDK runs Gradle (Android Studio bundles a newer one); no toolchain
// download needed.
kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    // The aar carries libjnidispatch.so for Android; the plain jar would fail at run time.
    api(libs.jna) { artifact { type = "aar" } }
}

// A missing generated file would otherwise surface as hundreds of "unresolved reference" errors
// in the apps, or as an UnsatisfiedLinkError on the phone.
val checkGenerated = tasks.register("checkGeneratedBindings") {
    val dir = layout.projectDirectory
    val expected = listOf(dir.file("src/main/kotlin/uniffi/giliran_core/giliran_core.kt").asFile) +
        abis.map { dir.file("src/main/jniLibs/$it/libgiliran_core.so").asFile }
    doLast {
        val missing = expected.filterNot { it.isFile }
        if (missing.isNotEmpty()) {
            throw GradleException(
                "The core's bindings are not built: missing ${missing.joinToString()}.\n" +
                    "Run scripts/android-build from the repository's root (see mobile-android/README.md).",
            )
        }
    }
}

tasks.named("preBuild") { dependsOn(checkGenerated) }
