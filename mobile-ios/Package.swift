// swift-tools-version:5.9
// GiliranKit: the core's Swift bindings over its XCFramework, and the thin layer both iOS apps
// share (view models, observer adapters, off-main-thread calls). The XCFramework is built by
// `scripts/ios-build` into build/; nothing here builds without it.
import PackageDescription

let package = Package(
    name: "GiliranKit",
    platforms: [
        .iOS(.v17),
        // The view-model tests run with `swift test` on a Mac against a live server.
        .macOS(.v14),
    ],
    products: [
        // Both targets: the apps use the core's records (TicketInfo, ServiceInfo...) directly.
        .library(name: "GiliranKit", targets: ["GiliranKit", "GiliranCore"]),
    ],
    targets: [
        // Named as the C module its module map declares, so SwiftPM and Xcode agree on it.
        .binaryTarget(name: "giliran_coreFFI", path: "build/giliran_coreFFI.xcframework"),
        // The generated bindings, compiled as they are checked in (scripts/generate-swift).
        .target(
            name: "GiliranCore",
            dependencies: ["giliran_coreFFI"],
            path: "Generated",
            exclude: ["giliran_coreFFI.h", "giliran_coreFFI.modulemap"],
            sources: ["giliran_core.swift"],
            linkerSettings: [
                // A static library carries no link lines of its own: these are what the Rust
                // standard library and its dependencies ask for on Apple platforms (random
                // numbers, the time zone, libc's iconv), as `scripts/ios-build` prints them.
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
                .linkedLibrary("iconv"),
            ]
        ),
        .target(
            name: "GiliranKit",
            dependencies: ["GiliranCore"],
            path: "Sources/GiliranKit"
        ),
        .testTarget(
            name: "GiliranKitTests",
            dependencies: ["GiliranKit", "GiliranCore"],
            path: "Tests/GiliranKitTests"
        ),
    ]
)
