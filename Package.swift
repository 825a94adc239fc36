// swift-tools-version:6.0
import PackageDescription

/// Module layout and the one-way dependencies between modules follow DESIGN.md:
/// RecallScheduler (pure) <- RecallModel <- RecallStore <- RecallSync <- RecallCLI <- recall;
/// RecallImport depends only on CCmark and RecallModel's value types.
let package = Package(
    name: "recall",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "recall", targets: ["recall"]),
        .executable(name: "recall-bench", targets: ["RecallBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "RecallScheduler"),
        // The vocabulary every layer above the scheduler shares (DESIGN.md): reviews, card
        // content, note origins, tombstones, deck names, note kinds, one hash, one time format.
        .target(name: "RecallModel", dependencies: ["RecallScheduler"]),
        // Turns Migrations/*.sql and Seeds/* into Swift string literals at build time,
        // so the binary stands alone (DESIGN.md invariant 7).
        .executableTarget(name: "EmbedFiles"),
        .plugin(
            name: "EmbedPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedFiles"]
        ),
        .target(
            name: "RecallStore",
            dependencies: ["CSQLite", "RecallScheduler", "RecallModel"],
            plugins: ["EmbedPlugin"]
        ),
        .target(
            name: "RecallImport",
            dependencies: ["CCmark", "CZlib", "RecallScheduler", "RecallModel"],
            plugins: ["EmbedPlugin"]
        ),
        .target(
            name: "RecallSync",
            dependencies: ["RecallStore", "RecallScheduler", "RecallModel"]
        ),
        .target(name: "RecallTerminal", dependencies: ["CCmark"]),
        .target(
            name: "RecallCLI",
            dependencies: [
                "RecallScheduler", "RecallModel", "RecallStore", "RecallImport", "RecallSync", "RecallTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "recall", dependencies: ["RecallCLI"]),
        .executableTarget(name: "RecallBench", dependencies: ["RecallScheduler", "RecallModel", "RecallStore", "RecallSync"]),
        .testTarget(
            name: "RecallModelTests",
            dependencies: ["RecallModel"]
        ),
        .testTarget(
            name: "RecallSchedulerTests",
            dependencies: ["RecallScheduler"]
        ),
        .testTarget(
            name: "RecallOptimizerTests",
            dependencies: ["RecallScheduler", "RecallImport"]
        ),
        .testTarget(
            name: "RecallStoreTests",
            dependencies: ["RecallStore", "RecallScheduler", "RecallModel"]
        ),
        .testTarget(
            name: "RecallImportTests",
            dependencies: ["RecallImport", "RecallScheduler", "RecallModel"]
        ),
        .testTarget(
            name: "RecallSyncTests",
            dependencies: ["RecallSync", "RecallStore", "RecallScheduler", "RecallModel"]
        ),
        .testTarget(
            name: "RecallTerminalTests",
            dependencies: ["RecallTerminal"]
        ),
        .testTarget(
            name: "RecallCLITests",
            dependencies: ["RecallStore", "RecallScheduler", "RecallModel", "RecallSync", "RecallTerminal"]
        ),
    ]
)
