import Synchronization

/// Renderings of what many emails share: a petition's paragraphs and subject in one language,
/// encoded once and then reused, so that each email encodes only what is its own (the
/// greeting with the signer's name, the links with their tokens).
///
/// A piece is kept from its second rendering on: one rendered once, such as a greeting, is
/// only remembered by its hash, and never pushes out the pieces that recur. Bounded: when
/// full, the kept pieces are let go, and those that recur come back at their next use.
final class SharedRenderings<Key: Hashable & Sendable, Rendering: Sendable>: Sendable {
    private struct State {
        var seen: Set<Int> = []
        var kept: [Key: Rendering] = [:]
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int = 512) {
        self.limit = limit
    }

    func rendering(of key: Key, _ render: (Key) -> Rendering) -> Rendering {
        if let kept = state.withLock({ $0.kept[key] }) { return kept }
        let rendering = render(key)
        let hash = key.hashValue
        state.withLock { state in
            guard !state.seen.insert(hash).inserted else {
                if state.seen.count > 8 * limit { state.seen = [hash] }
                return
            }
            if state.kept.count >= limit { state.kept.removeAll(keepingCapacity: true) }
            state.kept[key] = rendering
        }
        return rendering
    }
}
