import Foundation
import Logging

/// Hands a message to the world outside.
public protocol MailTransport: Sendable {
    func send(_ message: EmailMessage) async throws
}

/// Writes each message as an `.eml` file (RFC 5322) into a directory: development and tests.
public struct FileMailTransport: MailTransport {
    public let directory: URL
    public let sender: String

    public init(directory: String, sender: String = "Undersigned <no-reply@localhost>") throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.sender = sender
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    public func send(_ message: EmailMessage) async throws {
        let name = "\(Int(message.createdAt.timeIntervalSince1970 * 1000))-\(message.id.uuidString.lowercased()).eml"
        let final = directory.appendingPathComponent(name)
        let partial = directory.appendingPathComponent(".\(name).partial")
        try Data(RFC5322.render(message, from: sender).utf8).write(to: partial)
        // Rename so that a reader never sees half a message; a resend after a crash overwrites.
        _ = try? FileManager.default.removeItem(at: final)
        try FileManager.default.moveItem(at: partial, to: final)
    }
}

/// Logs that a message went out, never its content: for load tests and dry runs.
public struct LogMailTransport: MailTransport {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ message: EmailMessage) async throws {
        logger.info("email sent to the log transport", metadata: ["email.id": "\(message.id)", "email.bytes": "\(message.textBody.utf8.count)"])
    }
}

enum RFC5322 {
    static func render(_ message: EmailMessage, from sender: String) -> String {
        let date = dateFormatter.string(from: message.createdAt)
        return [
            "From: \(sender)",
            "To: \(headerSafe(message.to))",
            "Subject: \(encodedWord(message.subject))",
            "Date: \(date)",
            "Message-ID: <\(message.id.uuidString.lowercased())@undersigned>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            message.textBody.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"),
            "",
        ].joined(separator: "\r\n")
    }

    /// RFC 2047 encoding for headers that are not plain ASCII: words of at most 75
    /// characters, split between characters, folded onto continuation lines.
    static func encodedWord(_ text: String) -> String {
        let clean = headerSafe(text)
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) { return clean }
        var words: [String] = []
        var chunk = Data()
        for character in clean {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Header values never carry line breaks: they would start new headers.
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    private static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()
}
