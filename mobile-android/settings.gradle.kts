// The Giliran Android build: the core's bindings, the Android-free Kotlin both apps share, the
// patient app and the staff app.
pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    // Every module resolves from the same two repositories; a module adding its own is a mistake.
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "giliran-android"

include(":bindings", ":shared", ":patient", ":staff")
