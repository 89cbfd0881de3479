// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// WHET_FUZZ=1 (Tests/fuzz/run.sh) builds whet's own modules with libFuzzer's coverage and AddressSanitizer in
// the ordinary build folder, so a fuzz run reuses the dependencies already built instead of building them all
// again with sanitizers (the dependencies' code is then not instrumented).
let fuzzing = Context.environment["WHET_FUZZ"] == "1"
let fuzzed: [SwiftSetting] = strict + (fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : [])

let package = Package(
    name: "whet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "whet", targets: ["whet"]),
        .library(name: "WhetCore", targets: ["WhetCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/stencilproject/Stencil", from: "0.15.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "WhetCore",
            dependencies: [
                "CStemmer", "CLibXML2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Stencil", package: "Stencil"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: fuzzed),
        .systemLibrary(
            name: "CNCurses",
            path: "Sources/CNCurses",
            providers: [.apt(["libncurses-dev"])]),
        .target(name: "CWidth"),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CStemmer",
            path: "Sources/CStemmer",
            providers: [.apt(["libstemmer-dev"])]),
        .target(
            name: "WhetTUI",
            dependencies: [
                "WhetCore", "CNCurses", "CWidth",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "whet",
            dependencies: [
                "WhetCore", "WhetTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "whet-bench",
            dependencies: [
                "WhetCore", "WhetTUI", "WhetTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        // A scripted HTTP server on loopback that the backend and CLI tests talk to.
        .target(
            name: "WhetTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/WhetTestSupport",
            swiftSettings: strict),
        // The parsers of outside input as fuzz targets, shared by the libFuzzer build and the unit tests.
        .target(
            name: "WhetFuzzTargets",
            dependencies: ["WhetCore"],
            path: "Tests/fuzz/WhetFuzzTargets",
            swiftSettings: fuzzed),
        // libFuzzer's entry point (built by Tests/fuzz/run.sh with -sanitize=fuzzer,address -DFUZZING); built
        // normally it replays files through a target.
        .executableTarget(
            name: "whet-fuzz",
            dependencies: ["WhetFuzzTargets"],
            path: "Tests/fuzz/whet-fuzz",
            swiftSettings: fuzzed,
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []),
        .testTarget(
            name: "WhetCoreTests",
            dependencies: ["WhetCore", "WhetTestSupport", "WhetFuzzTargets"],
            swiftSettings: strict),
        .testTarget(
            name: "WhetTUITests",
            dependencies: ["WhetTUI", "WhetCore", "WhetTestSupport"],
            exclude: ["Snapshots"],
            swiftSettings: strict),
        .testTarget(
            name: "WhetCLITests",
            dependencies: ["WhetCore", "WhetTestSupport"],
            swiftSettings: strict),
    ]
)
