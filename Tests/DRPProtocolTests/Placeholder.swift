import XCTest

/// Placeholder so the target builds before its tests land.
final class DRPProtocolTestsPlaceholder: XCTestCase {}
