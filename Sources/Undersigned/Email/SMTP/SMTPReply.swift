import NIOCore

/// A server's reply: a three-digit code and one or more lines of text.
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public var isPermanentFailure: Bool { code >= 500 }
    /// The text of all lines, joined, as it may be shown in logs.
    public var text: String { lines.joined(separator: " ") }
}

/// Reads replies from the bytes a server sends (RFC 5321, section 4.2): `250-first`,
/// `250-more`, `250 last`.
struct SMTPReplyParser {
    private var pendingLines: [String] = []
    private var pendingCode: Int?

    /// Lines longer than this are refused: a hostile server must not make us buffer forever.
    static let maximumLineLength = 4096

    enum Failure: Error {
        case malformed
        case lineTooLong
    }

    /// Takes every complete reply out of `buffer`, leaving an incomplete line in it.
    mutating func parse(_ buffer: inout ByteBuffer) throws -> [SMTPReply] {
        var replies: [SMTPReply] = []
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            guard var line = buffer.readBytes(length: newline - buffer.readerIndex) else { throw Failure.malformed }
            buffer.moveReaderIndex(forwardBy: 1)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let reply = try take(line) { replies.append(reply) }
        }
        if buffer.readableBytes > Self.maximumLineLength { throw Failure.lineTooLong }
        return replies
    }

    private mutating func take(_ line: [UInt8]) throws -> SMTPReply? {
        guard line.count >= 3, line.count <= Self.maximumLineLength,
            line[0..<3].allSatisfy({ (0x30...0x39).contains($0) })
        else {
            throw Failure.malformed
        }
        let code = Int(line[0] - 0x30) * 100 + Int(line[1] - 0x30) * 10 + Int(line[2] - 0x30)
        guard pendingCode == nil || pendingCode == code, (200...599).contains(code) else { throw Failure.malformed }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw Failure.malformed }
        pendingLines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        pendingCode = code
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            pendingLines = []
            pendingCode = nil
        }
        return SMTPReply(code: code, lines: pendingLines)
    }

    /// Whether a reply has begun but not ended.
    var isInsideReply: Bool { pendingCode != nil }
}
