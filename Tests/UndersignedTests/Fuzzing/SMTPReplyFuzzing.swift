import NIOCore

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// What a mail server answers. The first byte sets how the rest is cut into reads; the
/// replies read must not depend on that, every code is 200 to 599, and a reply is never
/// without a line.
enum SMTPReplyFuzzing: FuzzCheck {
    static let maxLength = 4600

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        guard let first = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        let whole = read([input[...]])
        let pieceSize = Int(first) + 1
        let pieces = stride(from: 0, to: input.count, by: pieceSize).map {
            input[$0..<min($0 + pieceSize, input.count)]
        }
        let cut = read(pieces)
        Fuzz.expect(
            whole.failed == cut.failed,
            "read whole, failed: \(whole.failed); in pieces of \(pieceSize), failed: \(cut.failed)")
        if !whole.failed {
            Fuzz.expect(
                whole.replies == cut.replies,
                "read whole: \(whole.replies); in pieces of \(pieceSize): \(cut.replies)")
            Fuzz.expect(
                whole.isInsideReply == cut.isInsideReply,
                "inside a reply whole: \(whole.isInsideReply), in pieces: \(cut.isInsideReply)")
        }
        for reply in cut.replies {
            Fuzz.expect((200...599).contains(reply.code) && !reply.lines.isEmpty, "reply \(reply)")
        }
    }

    private static func read(
        _ pieces: [ArraySlice<UInt8>]
    ) -> (replies: [SMTPReply], failed: Bool, isInsideReply: Bool) {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        for piece in pieces {
            buffer.writeBytes(piece)
            do {
                replies += try parser.parse(&buffer)
            } catch {
                Fuzz.expect(error is SMTPReplyParser.Failure, "unexpected error \(error)")
                return (replies, true, parser.isInsideReply)
            }
        }
        return (replies, false, parser.isInsideReply)
    }
}
