// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "GraphModel", swiftSettings: strict),
        .target(name: "NetworkPolicy", swiftSettings: strict),
        .target(name: "CallEngine", dependencies: ["GraphModel"], swiftSettings: strict),
        .target(name: "CallStore", dependencies: ["GraphModel"], swiftSettings: strict),
        .target(name: "CallStoreSQLite", dependencies: [
            "CallStore", .product(name: "SQLiteNIO", package: "sqlite-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "CallStorePostgres", dependencies: [
            "CallStore", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], swiftSettings: strict),
        .target(name: "World", dependencies: ["GraphModel", "CallEngine", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
        .target(name: "Webhooks", dependencies: [
            "GraphModel", "CallStore", "NetworkPolicy",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "CallRuntime", dependencies: [
            "GraphModel", "CallEngine", "CallStore", "World", "NetworkPolicy",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .target(name: "GraphServer", dependencies: [
            "GraphModel", "CallEngine", "CallStore", "CallRuntime", "Webhooks", "World", "NetworkPolicy",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .executableTarget(name: "switchboard", dependencies: [
            "GraphModel", "CallEngine", "CallStore", "CallStoreSQLite", "CallStorePostgres", "CallRuntime", "Webhooks", "World", "GraphServer", "NetworkPolicy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        // The libFuzzer target for request decoding (scripts/fuzz builds it with -D FUZZING).
        .executableTarget(name: "SwitchboardFuzz", dependencies: [
            "GraphServer", "SwitchboardTesting", "World",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "SwitchboardTesting", dependencies: [
            "GraphModel", "CallEngine", "CallStore", "CallStorePostgres", "CallRuntime", "Webhooks", "World", "GraphServer",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
        ], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "GraphModelTests", dependencies: ["GraphModel", "SwitchboardTesting"], swiftSettings: strict),
        .testTarget(name: "NetworkPolicyTests", dependencies: ["NetworkPolicy"], swiftSettings: strict),
        .testTarget(name: "WorldTests", dependencies: ["World", "CallEngine", "GraphModel"], swiftSettings: strict),
        .testTarget(name: "CallEngineTests", dependencies: ["CallEngine", "GraphModel"], swiftSettings: strict),
        .testTarget(name: "CallStoreTests", dependencies: ["CallStore", "CallStoreSQLite", "CallStorePostgres", "CallEngine", "GraphModel", "SwitchboardTesting"], swiftSettings: strict),
        .testTarget(name: "WebhooksTests", dependencies: [
            "Webhooks", "CallStore", "CallRuntime", "SwitchboardTesting", "NetworkPolicy", .product(name: "JWTKit", package: "jwt-kit"),
        ], swiftSettings: strict),
        .testTarget(name: "GraphServerTests", dependencies: [
            "GraphServer", "SwitchboardTesting", "CallEngine", "CallStore", "CallStoreSQLite", "CallRuntime", "Webhooks", "World", "GraphModel",
            "NetworkPolicy",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
