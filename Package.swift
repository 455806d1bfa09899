// swift-tools-version:6.0
// drp: difference-aware reasoning personalization server.
// One library module per concern; `drp` is the command-line executable. Each target's
// `dependencies` are exactly the local modules its files import (scripts/check-manifest.sh,
// run by scripts/test.sh, fails otherwise). Linux only: the code imports Glibc.
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
  products: [
    .executable(name: "drp", targets: ["drp"])
  ],
  targets: [
    // C libraries from Debian packages.
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblas-dev", "libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

    // Shared vocabulary: configuration, pipeline settings, JSON values, text tokenisation, BM25,
    // seeded random numbers, blocking-call threads.
    .target(name: "DRPCore", swiftSettings: common),
    // All of drp's SQL: users, items, reviews, review vectors, profiles, LLM cache, held-out marks;
    // the JSONL and DPL importers.
    .target(name: "DRPStore", dependencies: ["DRPCore", "CSQLite", "CZlib"], swiftSettings: common),
    // Deterministic synthetic review data (the embedded default data set), in the Amazon or DPL layout.
    .target(name: "DRPSample", dependencies: ["DRPCore"], swiftSettings: common),
    // Exact cosine top-k vector index (SIMD + BLAS), persisted with mmap; vector files and index
    // evaluation. No dependency on the rest.
    .target(name: "DRPIndex", dependencies: ["CBLAS"], swiftSettings: simd),
    // OpenAI-compatible HTTP client: chat completions (with SSE streaming) and embeddings, retries,
    // concurrency limit, usage.
    .target(name: "DRPOpenAI", dependencies: ["DRPCore"], swiftSettings: common),
    // The Embedder protocol and builtin hashed TF-IDF embedder, user vectors, k-means, peer selection
    // strategies, key-sample selection: computation over texts and vectors (Engine feeds it).
    .target(name: "DRPPeers", dependencies: ["DRPCore"], swiftSettings: simd),
    // Reasoning orchestrator: difference discovery, validation, profile synthesis, statistical analyser;
    // pipeline options, prompts, output parsers, the LLM cache protocol.
    .target(name: "DRPReasoning", dependencies: ["DRPCore", "DRPOpenAI"], swiftSettings: common),
    // Generator: personalised generation prompt, LLM generation, offline generator, review text cleaning.
    .target(name: "DRPGenerator", dependencies: ["DRPCore", "DRPReasoning"], swiftSettings: common),
    // The application facade: opens a data directory and offers every operation (CLI and server share
    // it): an immutable state snapshot, one writer thread, embedders and model clients.
    .target(
      name: "DRPEngine",
      dependencies: ["DRPCore", "DRPStore", "DRPIndex", "DRPPeers", "DRPReasoning", "DRPGenerator", "DRPOpenAI"],
      swiftSettings: common),
    // Line-delimited JSON-RPC 2.0: the JSON parser and writer, messages, params, framing.
    .target(name: "DRPProtocol", dependencies: ["DRPCore"], swiftSettings: common),
    // The transport: TCP and Unix-socket JSON-RPC server (poll loop, framing, batches, lanes,
    // auth, cancel, limits) and client. Knows no application method and no engine.
    .target(name: "DRPServer", dependencies: ["DRPCore", "DRPProtocol"], swiftSettings: common),
    // drp's JSON-RPC methods over an Engine, registered on a DRPServer, and their error codes.
    .target(
      name: "DRPService",
      dependencies: ["DRPCore", "DRPEngine", "DRPPeers", "DRPProtocol", "DRPReasoning", "DRPServer", "DRPStore"],
      swiftSettings: common),
    // ROUGE, METEOR (with WordNet), BLEU as the reference implementations compute them, and their
    // bootstrap intervals. Public: MetricSuite, MetricReport and its intervals, MetricOptions.
    .target(name: "DRPMetrics", dependencies: ["DRPCore"], swiftSettings: common),
    // The held-out evaluation runner over Engine (split, DPL targets, checkpoints, sweeps), its reports
    // in Markdown and SVG.
    .target(
      name: "DRPEval", dependencies: ["DRPCore", "DRPEngine", "DRPMetrics", "DRPStore", "DRPReasoning"],
      swiftSettings: common),
    // The command-line tool.
    .executableTarget(
      name: "drp",
      dependencies: [
        "DRPCore", "DRPStore", "DRPSample", "DRPIndex", "DRPPeers", "DRPReasoning", "DRPGenerator", "DRPEngine",
        "DRPProtocol", "DRPServer", "DRPService", "DRPEval", "DRPMetrics",
      ],
      swiftSettings: common),

    // Benchmarks (see BENCHMARKS.md).
    .executableTarget(
      name: "drp-bench",
      dependencies: [
        "CBLAS", "DRPCore", "DRPStore", "DRPSample", "DRPIndex", "DRPPeers", "DRPProtocol", "DRPServer",
        "DRPService", "DRPEngine", "DRPEval", "DRPMetrics", "DRPReasoning",
      ],
      path: "Benchmarks/drp-bench", swiftSettings: simd),

    // Fuzzing (scripts/fuzz.sh): the targets, and drp-fuzz, a libFuzzer driver when built with
    // `-sanitize=fuzzer -DDRP_LIBFUZZER`, else a replayer of saved inputs.
    .target(
      name: "DRPFuzzTargets", dependencies: ["DRPCore", "DRPIndex", "DRPOpenAI", "DRPProtocol", "DRPStore"],
      path: "Fuzz/DRPFuzzTargets", swiftSettings: common),
    .executableTarget(name: "drp-fuzz", dependencies: ["DRPFuzzTargets"], path: "Fuzz/drp-fuzz", swiftSettings: common),

    // Tests: one target per module (DRP<Module>Tests), DRPCLITests for the CLI itself, and test support.
    // Targets listing "drp" run the built binary (Tests/DRPTestSupport).
    .target(name: "DRPTestSupport", path: "Tests/DRPTestSupport", swiftSettings: common),
    // Scripted chat model and constructed reviews shared by the reasoning and generator tests.
    .target(
      name: "DRPReasoningTestSupport", dependencies: ["DRPReasoning"], path: "Tests/DRPReasoningTestSupport",
      swiftSettings: common),
    .testTarget(name: "DRPCoreTests", dependencies: ["DRPCore", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPStoreTests", dependencies: ["DRPStore", "CSQLite", "CZlib", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPSampleTests", dependencies: ["DRPSample", "DRPStore", "DRPTestSupport"], swiftSettings: common),
    .testTarget(name: "DRPIndexTests", dependencies: ["DRPIndex", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPOpenAITests", dependencies: ["DRPCore", "DRPOpenAI", "DRPTestSupport"], swiftSettings: common),
    .testTarget(name: "DRPPeersTests", dependencies: ["DRPCore", "DRPPeers", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPReasoningTests",
      dependencies: [
        "DRPCore", "DRPOpenAI", "DRPReasoning", "DRPGenerator", "DRPReasoningTestSupport", "DRPTestSupport",
      ],
      swiftSettings: common),
    .testTarget(
      name: "DRPGeneratorTests", dependencies: ["DRPGenerator", "DRPReasoning", "DRPReasoningTestSupport"],
      swiftSettings: common),
    .testTarget(
      name: "DRPEngineTests",
      dependencies: ["DRPCore", "DRPEngine", "DRPReasoning", "DRPStore", "DRPTestSupport", "drp"],
      swiftSettings: common),
    .testTarget(name: "DRPProtocolTests", dependencies: ["DRPCore", "DRPProtocol"], swiftSettings: common),
    // A raw socket client shared by the transport and service tests.
    .target(
      name: "DRPServerTestSupport", dependencies: ["DRPCore", "DRPProtocol", "DRPServer"],
      path: "Tests/DRPServerTestSupport", swiftSettings: common),
    .testTarget(
      name: "DRPServerTests",
      dependencies: ["DRPCore", "DRPProtocol", "DRPServer", "DRPServerTestSupport", "DRPTestSupport"],
      swiftSettings: common),
    .testTarget(
      name: "DRPServiceTests",
      dependencies: [
        "DRPCore", "DRPEngine", "DRPProtocol", "DRPServer", "DRPServerTestSupport", "DRPService", "DRPStore",
        "DRPTestSupport", "drp",
      ],
      swiftSettings: common),
    .testTarget(name: "DRPMetricsTests", dependencies: ["DRPMetrics", "DRPTestSupport"], swiftSettings: common),
    .testTarget(
      name: "DRPEvalTests",
      dependencies: [
        "DRPCore", "DRPEval", "DRPEngine", "DRPMetrics", "DRPPeers", "DRPReasoning", "DRPStore", "DRPTestSupport",
        "drp",
      ],
      swiftSettings: common),
    .testTarget(name: "DRPCLITests", dependencies: ["DRPTestSupport", "drp"], swiftSettings: common),
    .testTarget(name: "DRPFuzzTests", dependencies: ["DRPFuzzTargets", "DRPTestSupport"], swiftSettings: common),
    // scripts/check-manifest.sh on this package and on fake ones.
    .testTarget(name: "ScriptsTests", dependencies: ["DRPTestSupport"], swiftSettings: common),
  ]
)
