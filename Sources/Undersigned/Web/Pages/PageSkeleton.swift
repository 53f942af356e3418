import Hummingbird

/// A rendered page cut where its few changing values go (the count, the form's token), so a
/// busy page is served by copying bytes instead of rendering a template per request.
struct PageSkeleton: Sendable {
    /// The values that change from one request to the next.
    enum Hole: Int, CaseIterable, Sendable {
        case count, goal, percent, csrfToken, proofToken, proofDifficulty, proofScriptNotice, logLine, paperLine
    }

    private enum Part: Sendable {
        case literal(ByteBuffer)
        case hole(Hole)
    }

    private let parts: [Part]
    private let size: Int

    /// Markers to render in place of the changing values: unique to each render, so nothing
    /// an author writes can be taken for one.
    struct Markers {
        let prefix = "\u{E000}\(UInt64.random(in: 0...UInt64.max))#"

        subscript(hole: Hole) -> String { "\(prefix)\(hole.rawValue)\u{E001}" }
    }

    init(rendered: String, markers: Markers) {
        var parts: [Part] = []
        var rest = Substring(rendered)
        while let start = rest.range(of: markers.prefix) {
            parts.append(.literal(ByteBuffer(substring: rest[..<start.lowerBound])))
            let afterPrefix = rest[start.upperBound...]
            // Markers are this render's own, so a broken one cannot happen; were it to, its text
            // stays as it is rather than stopping the server.
            guard let end = afterPrefix.firstIndex(of: "\u{E001}"),
                let hole = Int(afterPrefix[..<end]).flatMap(Hole.init)
            else {
                parts.append(.literal(ByteBuffer(substring: rest[start])))
                rest = afterPrefix
                continue
            }
            parts.append(.hole(hole))
            rest = afterPrefix[afterPrefix.index(after: end)...]
        }
        parts.append(.literal(ByteBuffer(substring: rest)))
        self.init(parts: parts)
    }

    private init(parts: [Part]) {
        self.parts = parts
        self.size = parts.reduce(0) { total, part in
            if case .literal(let buffer) = part { return total + buffer.readableBytes } else { return total }
        }
    }

    /// This skeleton with the holes that `value` knows filled, the others left for later:
    /// values that change seldom are filled once, not on every request.
    func filling(_ value: (Hole) -> String?) -> PageSkeleton {
        var parts: [Part] = []
        func append(_ literal: ByteBuffer) {
            if case .literal(var previous)? = parts.last {
                previous.writeImmutableBuffer(literal)
                parts[parts.count - 1] = .literal(previous)
            } else {
                parts.append(.literal(literal))
            }
        }
        for part in self.parts {
            switch part {
            case .literal(let literal): append(literal)
            case .hole(let hole):
                if let text = value(hole) { append(ByteBuffer(string: text)) } else { parts.append(part) }
            }
        }
        return PageSkeleton(parts: parts)
    }

    /// The page with each hole filled; values must already be HTML-safe.
    func filled(_ value: (Hole) -> String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size + 256)
        for part in parts {
            switch part {
            case .literal(let literal): buffer.writeImmutableBuffer(literal)
            case .hole(let hole): buffer.writeString(value(hole))
            }
        }
        return buffer
    }
}
