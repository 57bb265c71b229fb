// swift-tools-version: 6.1
import PackageDescription

// Release builds carry the Swift runtime and Foundation inside the binary: it runs on a Linux
// machine without a Swift toolchain, and starts in 17 MiB resident instead of 23 (only the
// pages it uses are loaded, not every shared library's relocated data). Debug builds (the
// tests) link them dynamically, which links faster. `-static-stdlib` alone leaves Foundation's
// libraries unnamed (the modules are compiled against the shared SDK), so they are named here,
// in one group because they refer to each other. FoundationXML (the E57 reader's XML parser)
// calls the system's libxml2, linked dynamically.
let staticRuntimeInRelease: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-Xlinker", "--start-group", "-Xlinker", "-lFoundation", "-Xlinker", "-lCoreFoundation",
            "-Xlinker", "-lFoundationInternationalization", "-Xlinker", "-lFoundationEssentials", "-Xlinker",
            "-l_FoundationICU", "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-l_FoundationCollections", "-Xlinker",
            "-lswiftSynchronization", "-Xlinker", "-lswiftDispatch", "-Xlinker", "-ldispatch", "-Xlinker",
            "-lBlocksRuntime", "-Xlinker", "-lFoundationXML", "-Xlinker", "-l_CFXMLInterface", "-Xlinker",
            "--end-group", "-Xlinker", "-lxml2", "-Xlinker", "-lstdc++",
        ], .when(configuration: .release))
]

let package = Package(
    name: "heritage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "heritage", targets: ["heritage"]),
        .executable(name: "heritage-server", targets: ["heritage-server"]),
        .library(name: "HeritageStore", targets: ["HeritageStore"]),
        .library(name: "ScanImport", targets: ["ScanImport"]),
        .library(name: "SurveyDiff", targets: ["SurveyDiff"]),
        .library(name: "EvidenceReport", targets: ["EvidenceReport"]),
        .library(name: "HeritageOperations", targets: ["HeritageOperations"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
    ],
    targets: [
        .target(
            name: "HeritageStore",
            dependencies: [
                "CFileWriteback",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libjpeg-turbo and libpng behind a small C shim: errors come back as return codes
        // (libjpeg's default handler would call exit()).
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]
        ),
        .target(name: "ScanImport", dependencies: ["CImageCodecs"]),
        // One allocator setting (glibc's mmap threshold) that C exposes and Swift cannot name.
        .target(name: "CProcessMemory"),
        // sync_file_range, which glibc declares only under _GNU_SOURCE: an upload's bytes start
        // for the disk as they arrive.
        .target(name: "CFileWriteback"),
        // Alignment, comparison and damage regions. Takes geometry in, returns values; never
        // touches the store.
        .target(name: "SurveyDiff", dependencies: ["ScanImport", "CProcessMemory"]),
        // Reports, BagIt packages, signatures and their verification, read from the store.
        .target(
            name: "EvidenceReport",
            dependencies: [
                "HeritageStore",
                "SurveyDiff",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // RFC 3161 time-stamp tokens: ASN.1, X.509 certificates and their chains.
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // What the front ends do, typed: importing files, comparing epochs and recording the
        // finding, drafting an assessment from it. The CLI and the server are adapters over it.
        .target(
            name: "HeritageOperations",
            dependencies: [
                "HeritageStore", "ScanImport", "SurveyDiff",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The registry on PostgreSQL/PostGIS, for organisations: the same tables and audit chain
        // as the embedded SQLite store, copied from it, queried and verified there.
        .target(
            name: "HeritagePostgres",
            dependencies: [
                "HeritageStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `heritage serve`: the HTTP API over the store and the operations.
        .target(
            name: "HeritageServer",
            dependencies: [
                "HeritageStore", "HeritageOperations", "ScanImport", "EvidenceReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // Browsers' uploads (multipart/form-data), parsed as they stream in.
                .product(name: "MultipartKit", package: "multipart-kit"),
                // /metrics in Prometheus's text format.
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Graceful shutdown reaches the long answers (job events) so they end.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Resources/SOURCES.md"],
            // The offline map's country outlines (public domain, see Resources/SOURCES.md).
            resources: [.copy("Resources/countries-110m.geojson")]
        ),
        // The options `heritage serve` hands to `heritage-server`: a module of their own, so
        // that the CLI names them without linking the server.
        .target(
            name: "ServeOptions",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The server's own process, which `heritage serve` hands over to: the CLI then does not
        // carry the HTTP stack, and starts (and compares) in the memory it did before.
        .executableTarget(
            name: "heritage-server",
            dependencies: [
                "HeritageServer", "HeritageStore", "ServeOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: staticRuntimeInRelease
        ),
        // The demo's sample surveys: scans and photographs generated before and after damage.
        .target(name: "SampleSurveys", dependencies: ["ScanImport"], path: "Tools/SampleSurveys"),
        .executableTarget(name: "sample-surveys", dependencies: ["SampleSurveys"], path: "Tools/SampleSurveysTool"),
        .executableTarget(
            name: "heritage",
            dependencies: [
                "HeritageStore",
                "ScanImport",
                "SurveyDiff",
                "EvidenceReport",
                "HeritageOperations",
                "HeritagePostgres",
                "SampleSurveys",
                "ServeOptions",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: staticRuntimeInRelease
        ),
        // The registry benchmark. It needs no dependency beyond the store, so it sits in this
        // package (a separate package under Tools/ cannot name this one portably: a path
        // dependency's identity is the checkout folder's name).
        .executableTarget(
            name: "store-bench",
            dependencies: ["HeritageStore", "HeritagePostgres"],
            path: "Tools/StoreBench"
        ),
        // Blob hashing throughput, compared with `openssl speed` by Tools/bench-import.sh.
        .executableTarget(
            name: "scan-bench",
            dependencies: ["HeritageStore"],
            path: "Tools/ScanBench"
        ),
        // Normals and ICP alone, as whole processes, for Tools/bench-diff.sh.
        .executableTarget(
            name: "diff-bench",
            dependencies: ["SurveyDiff", "ScanImport"],
            path: "Tools/DiffBench",
            linkerSettings: staticRuntimeInRelease
        ),
        .target(
            name: "HeritageTestSupport",
            dependencies: ["HeritageStore"],
            path: "Tests/HeritageTestSupport"
        ),
        .testTarget(
            name: "HeritageStoreTests",
            dependencies: ["HeritageStore", "HeritageTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ScanImportTests",
            dependencies: ["ScanImport", "HeritageTestSupport"],
            exclude: ["FuzzRegressions", "e57_fixtures.py", "laz_fixtures.py", "copc_fixtures.py", "laz_writer_fixtures.py",
                "pass_fixtures.py",
            ]
        ),
        .testTarget(
            name: "HeritagePostgresTests",
            dependencies: [
                "heritage", "HeritagePostgres", "HeritageStore", "HeritageOperations", "HeritageTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SurveyDiffTests",
            dependencies: ["SurveyDiff", "ScanImport"]
        ),
        .testTarget(
            name: "EvidenceReportTests",
            dependencies: [
                "EvidenceReport", "HeritageStore", "HeritageTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "HeritageServerTests",
            dependencies: [
                "HeritageServer", "HeritageOperations", "HeritageStore", "HeritageTestSupport", "EvidenceReport",
                "ScanImport", "SurveyDiff", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "heritageCLITests",
            dependencies: [
                "heritage", "heritage-server", "HeritageOperations", "HeritageStore", "HeritageTestSupport",
                "ScanImport",
            ]
        ),
    ]
)
