import Foundation
import NIOCore
import Testing

@testable import Undersigned

@Suite("MIME messages")
struct MIMETests {
    let identity = MailIdentity(from: MailAddress(name: "Undersigned", address: "no-reply@example.org"))

    @Test("headers: From, To with an Arabic name, encoded subject, Date, Message-ID, MIME, language")
    func headers() throws {
        let message = EmailMessage(
            id: UUID(uuidString: "6E8F1B4C-2D3A-4B5C-8D9E-0F1A2B3C4D5E")!, to: "amal@example.org", toName: "أمل حداد",
            subject: "Confirm: أطفال سوريا", textBody: "Hello\n", language: "ar",
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        let text = try MailComposer(identity: identity).compose(message)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.hasPrefix("From: Undersigned <no-reply@example.org>\r\nTo: =?utf-8?B?"))
        #expect(head.contains("\r\nDate: Mon, 21 Sep 2026 14:13:20 +0000\r\n"))
        #expect(head.contains("\r\nMessage-ID: <6e8f1b4c-2d3a-4b5c-8d9e-0f1a2b3c4d5e@example.org>\r\n"))
        #expect(head.contains("\r\nMIME-Version: 1.0\r\nContent-Language: ar\r\n"))
        #expect(head.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"))
        #expect(!head.contains("List-Unsubscribe"))
        // Every line is 7-bit and short enough for any server.
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
            #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "\(line)")
        }
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
        let subject = try #require(unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") })
        #expect(Mailbox.decodeEncodedWords(String(subject.dropFirst(9))) == "Confirm: أطفال سوريا")
    }

    @Test(
        "the Date header is in UTC with two-digit fields, a leap day included",
        arguments: [
            (1_835_395_200, "Tue, 29 Feb 2028 00:00:00 +0000"), (1_767_517_507, "Sun, 04 Jan 2026 09:05:07 +0000"),
            (946_684_799, "Fri, 31 Dec 1999 23:59:59 +0000"),
        ])
    func dateHeader(seconds: Int, expected: String) {
        #expect(MIMEEncoding.date(Date(timeIntervalSince1970: TimeInterval(seconds))) == expected)
    }

    @Test("the Date header agrees with the calendar for any second from 1900 to 2200")
    func dateHeaderAgreesWithCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = .gmt
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var generator = SystemRandomNumberGenerator()
        let edges: [TimeInterval] = [0, -1, -86_401, 0.999, 86_399.999, 86_400, 951_782_400, 4_107_542_399]
        // Whole seconds across the range; milliseconds, as emails are dated, after 1970 (before
        // it, the formatter rounds a fraction toward 1970, the header down).
        let whole = (0..<2_000).map { _ in
            TimeInterval(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator))
        }
        let fractional = (0..<1_000).map { _ in
            Date(millis: Int64.random(in: 0...7_258_118_400_000, using: &generator)).timeIntervalSince1970
        }
        for seconds in edges + whole + fractional {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MIMEEncoding.date(date) == formatter.string(from: date), "\(seconds)")
        }
    }

    @Test("a long subject is cut into encoded words between characters, never inside one")
    func encodedWordsKeepCharactersWhole() throws {
        // A decomposed é, a flag (two scalars), a family (seven), Arabic and Devanagari.
        let subject = String(
            repeating: "Cafe\u{301} 🇸🇾 👨‍👩‍👧‍👦 أطفال सीरिया ", count: 6)
        let header = MIMEEncoding.text(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded = ""
        for word in words {
            #expect(word.utf8.count <= 75, "\(word)")
            #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
            let data = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            let text = try #require(String(validating: data, as: UTF8.self))
            // Each word on its own is whole characters: a cut inside one would change them.
            #expect(subject.contains(text))
            #expect(text.unicodeScalars.first.map { !$0.properties.isGraphemeExtend } ?? false)
            decoded += text
        }
        #expect(decoded == subject)
    }

    @Test("update emails carry a one-click List-Unsubscribe (RFC 8058)")
    func listUnsubscribe() throws {
        let message = EmailMessage(
            to: "a@example.org", subject: "News", textBody: "News\n",
            listUnsubscribeURL: "https://sign.example.org/unsubscribe/abc", createdAt: Date())
        let text = try MailComposer(identity: identity).compose(message)
        #expect(
            text.contains(
                "\r\nList-Unsubscribe: <https://sign.example.org/unsubscribe/abc>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ))
    }

    @Test("header injection through a name or subject is impossible")
    func injection() throws {
        let message = EmailMessage(
            to: "a@example.org", toName: "Eve\r\nBcc: x@evil.test", subject: "Hi\r\nBcc: y@evil.test", textBody: "x",
            createdAt: Date())
        let text = try MailComposer(identity: identity).compose(message)
        #expect(!text.contains("\r\nBcc:"))
    }

    @Test("display names are quoted when they have punctuation")
    func phrases() throws {
        #expect(MailAddress(name: "Zero Impunity", address: "a@b.org").header == "Zero Impunity <a@b.org>")
        #expect(MailAddress(name: "Team, \"Core\"", address: "a@b.org").header == #""Team, \"Core\"" <a@b.org>"#)
        #expect(
            try MailAddress(parsing: "Undersigned <no-reply@example.org>")
                == MailAddress(name: "Undersigned", address: "no-reply@example.org"))
        #expect(try MailAddress(parsing: "no-reply@example.org") == MailAddress(address: "no-reply@example.org"))
        #expect(throws: SettingsError.self) { try MailAddress(parsing: "Undersigned <nobody>") }
    }

    /// `\r\n` is one character, and U+0600 joins the next one to itself: neither may carry a
    /// line break (a new SMTP command) or a second `@` into a sender's address.
    @Test(
        "an address is refused for a line break or a second @ hidden in a grapheme cluster",
        arguments: [
            "a@example.org\r\nRCPT", "Team <a@example.org\r\nRCPT>", "a\u{600}@b@example.org", "a@example.org<\u{301}",
        ])
    func hiddenInClusters(text: String) {
        #expect(throws: SettingsError.self) { try MailAddress(parsing: text) }
    }

    @Test("quoted-printable keeps lines short, escapes '=', non-ASCII and trailing spaces")
    func quotedPrintable() {
        #expect(MIMEEncoding.quotedPrintable("a=b é \nnext") == "a=3Db =C3=A9=20\r\nnext")
        let long = MIMEEncoding.quotedPrintable(String(repeating: "ب", count: 100))
        #expect(long.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(long.replacingOccurrences(of: "=\r\n", with: "").count == 600)
    }

    @Test("messages queued by earlier versions (five sealed fields) still open")
    func sealedCompatibility() throws {
        let old = try EmailMessage(sealedFields: [
            "6E8F1B4C-2D3A-4B5C-8D9E-0F1A2B3C4D5E", "a@example.org", "S", "Body", "1790000000000",
        ])
        #expect(old.htmlBody == nil && old.toName == nil && old.subject == "S")
        let new = EmailMessage(
            to: "a@example.org", toName: "N", subject: "S", textBody: "T", htmlBody: "<p>T</p>", language: "fr",
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        #expect(try EmailMessage(sealedFields: new.sealedFields) == new)
        #expect(throws: (any Error).self) { try EmailMessage(sealedFields: ["x"]) }
    }

    @Test(
        "an email is kept as its paragraphs: it opens to the same text and HTML, sealed in little more than half the bytes of both"
    )
    func sealedParagraphs() throws {
        let paragraphs: [MailParagraph] = [
            .text("مرحبا أمل،"), .text("Your signature on “Act now” is counted. <b>Keep</b> this & that."),
            .link("https://example.org/p/act-now/receipt?code=abc&x=1", label: "Check my receipt"),
            .text(""), .text("— Undersigned"),
        ]
        let message = EmailMessage(
            to: "a@example.org", toName: "أمل", subject: "Counted", paragraphs: paragraphs, language: .ar,
            listUnsubscribeURL: "https://example.org/unsubscribe/t",
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        let opened = try EmailMessage(sealedFields: message.sealedFields)
        #expect(opened == message)
        #expect(opened.textBody == MailParagraph.text(paragraphs))
        #expect(opened.htmlBody == MailParagraph.html(paragraphs, title: "Counted", language: .ar))
        #expect(opened.htmlBody?.contains("dir=\"rtl\"") == true)

        let rendered = EmailMessage(
            to: message.to, toName: message.toName, subject: message.subject, textBody: message.textBody,
            htmlBody: message.htmlBody, language: message.language, listUnsubscribeURL: message.listUnsubscribeURL,
            createdAt: message.createdAt)
        #expect(try EmailMessage(sealedFields: rendered.sealedFields) == rendered)
        let kept = SealedFields.encode(message.sealedFields).count
        #expect(kept * 10 < SealedFields.encode(rendered.sealedFields).count * 6)

        // A marker that is not one, or a link without its label, is refused.
        var fields = message.sealedFields
        fields[10] = "heading"
        #expect(throws: (any Error).self) { try EmailMessage(sealedFields: fields) }
        #expect(throws: (any Error).self) {
            try EmailMessage(sealedFields: Array(message.sealedFields.prefix(10)) + ["link", "https://example.org"])
        }
    }

    @Test(
        "paragraphs encoded one by one, and those shared taken from earlier emails, make the bytes of the whole bodies encoded"
    )
    func paragraphsEncodedAlone() throws {
        let long = String(repeating: "Une ligne très longue, = avec des signes égal et des espaces ", count: 3)
        let composer = MailComposer(identity: MailIdentity(from: MailAddress(address: "no-reply@example.org")))
        // The first email encodes every piece; from the third, the shared ones are taken as kept.
        for round in 0..<3 {
            let paragraphs: [MailParagraph] = [
                .text("Hello Amal \(round),"), .text(long), .text("trailing spaces   "), .text("two\r\nlines\nhere\r"),
                .text(""), .text("ends with a line break\n"),
                .link("https://example.org/confirm/\(round)?a=1&b=2", label: long),
                .text("مرحبا أمل، توقيعك محسوب. "), .text("— Undersigned"),
            ]
            let message = EmailMessage(
                to: "a@example.org", toName: "أمل", subject: "Confirm “Act now” — \(long)", paragraphs: paragraphs,
                language: .ar, createdAt: Date(timeIntervalSince1970: 1_790_000_000))
            let whole = EmailMessage(
                id: message.id, to: message.to, toName: message.toName, subject: message.subject,
                textBody: message.textBody, htmlBody: message.htmlBody, language: message.language,
                createdAt: message.createdAt)
            #expect(try composer.compose(message) == composer.compose(whole), "round \(round)")
        }
    }

    @Test("a paragraph is sent in its own bytes, though one kept before reads the same in other bytes")
    func sharedPiecesMatchByBytes() throws {
        let composer = MailComposer(identity: MailIdentity(from: MailAddress(address: "no-reply@example.org")))
        // "é" as one scalar, then as "e" and a combining accent: equal as Swift strings.
        let composed = "Merci, Hélène : votre signature compte."
        let decomposed = "Merci, He\u{301}le\u{300}ne : votre signature compte."
        #expect(composed == decomposed)
        func email(_ paragraph: String) -> EmailMessage {
            EmailMessage(
                to: "a@example.org", subject: paragraph, paragraphs: [.text(paragraph)], language: .fr,
                createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        }
        for _ in 0..<3 { _ = try composer.compose(email(composed)) }
        let message = email(decomposed)
        let whole = EmailMessage(
            id: message.id, to: message.to, subject: message.subject, textBody: message.textBody,
            htmlBody: message.htmlBody, language: message.language, createdAt: message.createdAt)
        let text = try composer.compose(message)
        #expect(text == (try composer.compose(whole)))
        #expect(text.contains("He=CC=81le=CC=80ne"))
    }

    @Test("a shared piece is kept from its second rendering on; when they are too many, the kept ones are let go")
    func sharedRenderings() {
        let renderings = SharedRenderings<String, String>(limit: 2)
        var rendered: [String] = []
        func render(_ key: String) -> String {
            renderings.rendering(of: key) {
                rendered.append($0)
                return $0.uppercased()
            }
        }
        #expect(["a", "a", "a", "b", "b", "b"].map(render) == ["A", "A", "A", "B", "B", "B"])
        #expect(rendered == ["a", "a", "b", "b"])
        // A third piece kept lets the others go: they are rendered again, and kept again.
        #expect(["c", "c", "c", "a", "a"].map(render) == ["C", "C", "C", "A", "A"])
        #expect(rendered == ["a", "a", "b", "b", "c", "c", "a"])
    }

    @Test("the HTML alternative escapes what signers typed, and reads right to left in Arabic")
    func html() {
        let paragraphs: [MailParagraph] = [
            .text("Hello <b>Eve</b> & co,"), .link("http://x.test/?a=1&b=\"2\"", label: "Confirm"),
        ]
        let html = MailParagraph.html(paragraphs, title: "T", language: .en)
        #expect(html.contains("<p>Hello &lt;b&gt;Eve&lt;/b&gt; &amp; co,</p>"))
        #expect(html.contains("<a href=\"http://x.test/?a=1&amp;b=&quot;2&quot;\">Confirm</a>"))
        #expect(html.contains("<html lang=\"en\" dir=\"ltr\">"))
        #expect(MailParagraph.html(paragraphs, title: "T", language: .ar).contains("<html lang=\"ar\" dir=\"rtl\">"))
        #expect(MailParagraph.text(paragraphs) == "Hello <b>Eve</b> & co,\n\nhttp://x.test/?a=1&b=\"2\"\n")
    }

    @Test("dot-stuffing doubles leading dots and ends with CRLF.CRLF")
    func dotStuffing() {
        let stuffed = SMTPSession.dotStuffed(".a\r\nb\n.\r\nc")
        #expect(String(buffer: stuffed) == "..a\r\nb\r\n..\r\nc\r\n.\r\n")
    }

    @Test(
        "dot-stuffing agrees with the rule applied one byte at a time",
        arguments: [
            "", ".", "..", "\n", "\r\n", "\n.", "\r", "a\rb\n.c", ".\n.\n.", "x\r\r\n.y", "\n\n..\r\n",
            "سارة.\n.سارة\r\n👩🏽‍⚕️", String(repeating: "line of text\n.dot\r\n", count: 200),
        ])
    func dotStuffingRule(message: String) {
        var expected: [UInt8] = []
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message.utf8 {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { expected.append(UInt8(ascii: "\r")) }
            if atLineStart, byte == UInt8(ascii: ".") { expected.append(UInt8(ascii: ".")) }
            expected.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { expected += Array("\r\n".utf8) }
        expected += Array(".\r\n".utf8)
        var stuffed = SMTPSession.dotStuffed(message)
        #expect(stuffed.readBytes(length: stuffed.readableBytes) == expected)
    }

    @Test("the file transport writes what SMTP sends, whole, readable by its owner only; a resend replaces it")
    func fileTransport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eml-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sentAt = Date(timeIntervalSince1970: 1_800_000_000)
        let composer = MailComposer(identity: identity, clock: WallClock { sentAt })
        let transport = try FileMailTransport(directory: directory.path, composer: composer)
        let message = EmailMessage(
            to: "a@example.org", subject: "S", textBody: "T\n", htmlBody: "<p>T</p>", createdAt: Date())
        try await transport.send(message)
        // The same message at the same moment has the same name: sent again after a crash.
        try await transport.send(message)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files == ["\(sentAt.millis)-\(message.id.text).eml"])
        let file = directory.appendingPathComponent(try #require(files.first))
        #expect(try Data(contentsOf: file) == Data(try composer.compose(message).utf8))
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}
