// swift-tools-version:6.0
// drp: difference-aware reasoning personalization server.
// One library module per concern; `drp` is the command-line executable.
import PackageDescription

/// Settings shared by every Swift target.
let common: [SwiftSetting] = [.swiftLanguageMode(.v6)]
/// Hot numeric code (SIMD kernels, hashing) needs AVX2+FMA code generation; without it
/// Swift lowers SIMD FMA to one libm call per lane (measured 12-16x slower). See
/// ../shared/SWIFT-ON-LINUX.md. The `drp` binary checks the CPU at start-up. `-Ounchecked` only in
/// release: debug and test builds keep bounds checks, preconditions and assertions.
let simd: [SwiftSetting] =
  common + [
    .unsafeFlags(["-Xcc", "-march=x86-64-v3"]), .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
  ]

let package = Package(
  name: "drp",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "drp", targets: ["drp"])
  ],
  targets: [
    // C libraries from Debian packages.
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev", "libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

    // Shared vocabulary: configuration, JSON values, text tokenisation, BM25.
    .target(name: "DRPCore", swiftSettings: common),
    // Users, items, reviews (and caches) in SQLite; JSONL importer.
    .target(name: "DRPStore", dependencies: ["DRPCore", "CSQLite", "CZlib"], swiftSettings: common),
    // Deterministic synthetic review data (the embedded default data set).
    .target(name: "DRPSample", dependencies: ["DRPCore"], swiftSettings: common),
    // Exact cosine top-k vector index (SIMD + BLAS), persisted with mmap. No dependency on the rest.
    .target(name: "DRPIndex", dependencies: ["CBLAS"], swiftSettings: simd),
    // OpenAI-compatible HTTP client: chat completions (with SSE streaming) and embeddings.
    .target(name: "DRPOpenAI", dependencies: ["DRPCore"], swiftSettings: common),
    // Embedders, user vectors, peer selection strategies, key samples.
    .target(name: "DRPPeers", dependencies: ["DRPCore", "DRPStore", "DRPIndex", "DRPOpenAI"], swiftSettings: simd),
    // Reasoning orchestrator: difference discovery, validation, profile synthesis, statistical analyser.
    .target(name: "DRPReasoning", dependencies: ["DRPCore", "DRPOpenAI"], swiftSettings: common),
    // Generator: personalised generation prompt, LLM generation, offline generator.
    .target(name: "DRPGenerator", dependencies: ["DRPCore", "DRPReasoning"], swiftSettings: common),
    // The application facade: opens a data directory and offers every operation (CLI and server share it).
    .target(
      name: "DRPEngine",
      dependencies: ["DRPCore", "DRPStore", "DRPIndex", "DRPPeers", "DRPReasoning", "DRPGenerator", "DRPOpenAI"],
      swiftSettings: common),
    // Line-delimited JSON-RPC 2.0 messages and framing.
    .target(name: "DRPProtocol", dependencies: ["DRPCore"], swiftSettings: common),
    // TCP and Unix-socket server and client.
    .target(name: "DRPServer", dependencies: ["DRPCore", "DRPProtocol", "DRPEngine"], swiftSettings: common),
    // ROUGE, METEOR, BLEU and the held-out evaluation runner.
    .target(name: "DRPEval", dependencies: ["DRPCore", "DRPEngine", "DRPStore"], swiftSettings: common),
    // The command-line tool.
    .executableTarget(
      name: "drp",
      dependencies: [
        "DRPCore", "DRPStore", "DRPSample", "DRPIndex", "DRPOpenAI", "DRPPeers", "DRPReasoning",
        "DRPGenerator", "DRPEngine", "DRPProtocol", "DRPServer", "DRPEval",
      ],
      swiftSettings: common),

    // Benchmarks (see BENCHMARKS.md).
    .executableTarget(
      name: "drp-bench",
      dependencies: [
        "DRPCore", "DRPStore", "DRPSample", "DRPIndex", "DRPPeers", "DRPProtocol", "DRPServer", "DRPEngine",
        "DRPEval", "DRPReasoning",
      ],
      path: "Benchmarks/drp-bench", swiftSettings: simd),

    // Fuzzing (scripts/fuzz.sh): the targets, and drp-fuzz, a libFuzzer driver when built with
    // `-sanitize=fuzzer -DDRP_LIBFUZZER`, else a replayer of saved inputs.
    .target(
      name: "DRPFuzzTargets", dependencies: ["DRPCore", "DRPIndex", "DRPOpenAI", "DRPProtocol", "DRPStore"],
      path: "Fuzz/DRPFuzzTargets", swiftSettings: common),
    .executableTarget(name: "drp-fuzz", dependencies: ["DRPFuzzTargets"], path: "Fuzz/drp-fuzz", swiftSettings: common),

    // Tests.
    .target(name: "DRPTestSupport", path: "Tests/DRPTestSupport", swiftSettings: common),
    .testTarget(
      name: "DRPStoreTests", dependencies: ["DRPStore", "DRPSample", "DRPTestSupport", "drp"], swiftSettings: common),
    .testTarget(name: "DRPIndexTests", dependencies: ["DRPIndex", "DRPTestSupport", "drp"], swiftSettings: common),
    .testTarget(name: "DRPOpenAITests", dependencies: ["DRPOpenAI", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPPeersTests",
      dependencies: ["DRPPeers", "DRPSample", "DRPStore", "DRPIndex", "DRPEngine", "DRPTestSupport", "drp"],
      swiftSettings: common),
    .testTarget(
      name: "DRPReasoningTests", dependencies: ["DRPReasoning", "DRPGenerator", "DRPEngine", "DRPTestSupport", "drp"],
      swiftSettings: common),
    .testTarget(name: "DRPProtocolTests", dependencies: ["DRPProtocol", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPServerTests",
      dependencies: ["DRPServer", "DRPProtocol", "DRPEngine", "DRPStore", "DRPTestSupport", "drp"],
      swiftSettings: common),
    .testTarget(name: "DRPEvalTests", dependencies: ["DRPEval", "DRPTestSupport", "drp"], swiftSettings: common),
    .testTarget(name: "DRPCLITests", dependencies: ["DRPTestSupport", "drp"], swiftSettings: common),
    .testTarget(name: "DRPFuzzTests", dependencies: ["DRPFuzzTargets", "DRPTestSupport"], swiftSettings: common),
  ]
)
