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
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
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
            // zlib, for gzip'd review logs. Not named CZlib: ZIPFoundation has a module of that name.
            name: "CGzip",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's malloc.h (malloc_trim): part of libc, no package to install.
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CChafa",
            pkgConfig: "chafa",
            providers: [.apt(["libchafa-dev"])]
        ),
        .systemLibrary(
            // Decodes the PNG, JPEG and GIF media that chafa draws: chafa's own loaders live in
            // its command-line tool, not in the library. Debian's libgdk-pixbuf-2.0-dev; no
            // pkgConfig, see shim.h for why.
            name: "CGdkPixbuf"
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
            dependencies: ["CCmark", "CGzip", "RecallScheduler", "RecallModel"],
            plugins: ["EmbedPlugin"]
        ),
        .target(
            name: "RecallSync",
            dependencies: ["RecallStore", "RecallScheduler", "RecallModel", "CMalloc"]
        ),
        // Anki packages (.apkg/.colpkg) in both directions: the zip, zstd and protobuf containers,
        // the collection's SQLite (read and written through RecallStore's `Database`, which is
        // the one SQLite layer), note-type templates and field HTML (libxml2; cmark checks that
        // the Markdown made from it reads back as the same text).
        .target(
            name: "RecallAnki",
            dependencies: [
                "CCmark", "CGzip", "CZstd", "CLibXML2", "RecallScheduler", "RecallModel", "RecallStore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            // The Swift code generated from it is committed (scripts/generate-anki-proto).
            exclude: ["Proto/anki_package.proto"]
        ),
        .target(name: "RecallTerminal", dependencies: ["CCmark", "CChafa", "CGdkPixbuf"]),
        .target(
            name: "RecallCLI",
            dependencies: [
                "RecallScheduler", "RecallModel", "RecallStore", "RecallImport", "RecallSync", "RecallTerminal",
                "RecallAnki",
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
            name: "RecallAnkiTests",
            // CCmark: tests read the Markdown they get back as the review screen would.
            // ZIPFoundation and zstd make the damaged packages the tests refuse.
            dependencies: [
                "RecallAnki", "RecallStore", "RecallModel", "RecallScheduler", "RecallImport", "CCmark", "CZstd",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "RecallTerminalTests",
            dependencies: ["RecallTerminal"]
        ),
        .testTarget(
            name: "RecallCLITests",
            dependencies: [
                "RecallStore", "RecallScheduler", "RecallModel", "RecallSync", "RecallTerminal",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
