// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "qianxue",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qianxue", targets: ["qianxue"]),
        .executable(name: "qx", targets: ["qx"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "QianxueCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Programs started with posix_spawn and awaited in waitpid (pg_dump, qx's editor, tests).
        .target(name: "ChildProcesses", swiftSettings: swiftSettings),
        .target(
            name: "Persistence",
            dependencies: [
                "QianxueCore", "ChildProcesses",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Registry",
            dependencies: [
                "QianxueCore", "Persistence", "Seeds",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Seeds",
            path: "Seeds",
            exclude: ["README.md"],
            resources: [.copy("regions.csv"), .copy("region_former_codes.csv"), .copy("prefecture_population.csv")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Curriculum",
            dependencies: [
                "QianxueCore", "Persistence",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Ink", package: "Ink"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Inference",
            dependencies: [
                "QianxueCore", "Persistence",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/safety")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Companion",
            dependencies: [
                "QianxueCore", "Persistence", "Inference", "Curriculum", "Registry",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/policy")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Assistant",
            dependencies: [
                "QianxueCore", "Persistence", "Inference", "Curriculum", "Registry", "Companion", "Assessment",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Assessment",
            dependencies: [
                "QianxueCore", "Persistence", "Curriculum", "Registry",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            dependencies: [
                "QianxueCore", "Persistence", "Registry",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "QianxueAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "QianxueCore", "Persistence", "Registry", "Curriculum", "Inference",
                "Companion", "Assistant", "Assessment", "Reports", "QianxueAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qianxue",
            dependencies: [
                "Gateway", "Curriculum",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qx",
            dependencies: [
                "QianxueAPI", "ChildProcesses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "curriculum-bench",
            dependencies: ["Curriculum", "QianxueCore"],
            path: "Benchmarks/curriculum",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "inference-fairness",
            dependencies: ["Inference"],
            path: "Benchmarks/inference-fairness",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "QianxueCoreTests", dependencies: ["QianxueCore"], swiftSettings: swiftSettings),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Persistence", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CurriculumTests", dependencies: ["Curriculum", "Persistence", "TestSupport", "QianxueCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "InferenceTests",
            dependencies: [
                "Inference", "TestSupport", "Gateway", "QianxueCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CompanionTests", dependencies: ["Companion", "QianxueCore", "Inference", "Persistence", "Registry", "Curriculum", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "AssistantTests", dependencies: ["Assistant", "Assessment", "Curriculum", "Inference", "QianxueCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment", "QianxueCore", "Curriculum", "Persistence", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "QianxueCore", "Persistence", "Registry", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "TestSupport", "QianxueAPI", "Persistence", "Registry", "QianxueCore", "ChildProcesses", "Curriculum", "Inference", "Companion", "Assessment",
                "Assistant",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Persistence", "QianxueCore", "ChildProcesses",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)

package.targets.append(
    .executableTarget(
        name: "inference-latency",
        dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Benchmarks/inference-latency",
        exclude: ["run"],
        swiftSettings: swiftSettings
    )
)

package.targets.append(
    .executableTarget(
        name: "companion-bench",
        dependencies: [
            "Gateway", "Companion", "Curriculum", "Inference", "Registry", "QianxueCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "SQLKit", package: "sql-kit"),
        ],
        path: "Benchmarks/companion",
        exclude: ["run"],
        swiftSettings: swiftSettings
    )
)

package.targets.append(
    .executableTarget(
        name: "assessment-bench",
        dependencies: ["Assessment", "QianxueCore"],
        path: "Benchmarks/assessment",
        swiftSettings: swiftSettings
    )
)

package.targets.append(
    .executableTarget(
        name: "roster-bench",
        dependencies: [
            "Gateway", "Registry", "Persistence",
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Benchmarks/rostering",
        exclude: ["run", "make-package.py"],
        swiftSettings: swiftSettings
    )
)

package.targets.append(
    .executableTarget(
        name: "answers-load",
        dependencies: [
            "QianxueCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Benchmarks/reports",
        exclude: ["run", "answers.py"],
        swiftSettings: swiftSettings
    )
)
