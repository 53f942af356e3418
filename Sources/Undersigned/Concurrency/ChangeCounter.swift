import Synchronization

/// Counts changes, so that what was checked since the last one need not be checked again:
/// one atomic number read instead of the values themselves.
public final class ChangeCounter: Sendable {
    private let count = Atomic<UInt64>(0)

    public init() {}

    /// Notes a change, once it is visible to those who read what changed.
    func note() {
        count.wrappingAdd(1, ordering: .releasing)
    }

    var current: UInt64 { count.load(ordering: .acquiring) }
}
