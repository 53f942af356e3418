import Foundation
import Undersigned

/// Composes emails shaped like a receipt (ten paragraphs, four of them the signer's own: the
/// greeting, the receipt code, the two links) for different signers, in English and in
/// Arabic, through the same `MailComposer` every transport uses, and prints the time an email
/// took, with a digest of every byte composed: a change to the composing that keeps the digest
/// writes the same emails. Run it under `valgrind --tool=callgrind` for instruction counts that
/// do not move with the machine's load:
///
///     undersigned-mail-bench [emails]   (100,000 by default)
@main
struct MailBench {
    static func main() throws {
        let emails = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
        let composer = MailComposer(
            identity: MailIdentity(from: MailAddress(name: "Undersigned", address: "no-reply@undersigned.example")))
        var elapsed = Duration.zero
        var bytes = 0
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in 0..<emails {
            let message = receipt(index, arabic: index % 2 == 1)
            let start = ContinuousClock.now
            let text = try composer.compose(message)
            elapsed += ContinuousClock.now - start
            bytes += text.utf8.count
            for byte in text.utf8 { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }  // FNV-1a
        }
        let perEmail = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        print(
            "\(emails) emails, \(bytes / max(emails, 1)) bytes each, \(Int(perEmail / Double(max(emails, 1)))) ns an email, digest \(String(digest, radix: 16))"
        )
    }

    static func receipt(_ index: Int, arabic: Bool) -> EmailMessage {
        let base = "https://undersigned.example"
        let token =
            String(repeating: "k", count: 38)
            + String(index, radix: 36).padding(toLength: 5, withPad: "0", startingAt: 0)
        let shared =
            arabic
            ? [
                "تم احتساب توقيعك على العريضة «أول تحقيق أممي مستقل في العنف الجنسي ضد الأطفال في سوريا».",
                "يثبت هذا الرمز أن توقيعك في السجل الموقّع للعريضة، دون أن يكشف اسمك أو عنوانك لأحد.",
                "إن غيّرت رأيك، يمكنك سحب توقيعك في أي وقت.",
                "احتفظ بهذه الرسالة: فيها دليلك وطريقك للخروج.",
                "مع الشكر، فريق الحملة",
            ]
            : [
                "Your signature on “The first independent UN investigation into sexual violence against children in Syria” is counted.",
                "This code proves that your signature is in the petition's signed log, without telling anyone your name or address.",
                "If you change your mind, you can withdraw your signature at any time.",
                "Keep this email: it is your proof, and your way out.",
                "With thanks, the campaign team",
            ]
        return EmailMessage(
            id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", index)),
            to: "signer-\(index)@example.org", toName: arabic ? "أمل حداد \(index)" : "Signer \(index)",
            subject: arabic ? "تم احتساب توقيعك" : "Your signature is counted",
            paragraphs: [
                .text(arabic ? "مرحبًا أمل حداد \(index)،" : "Hello Signer \(index),"),
                .text(shared[0]),
                .link("\(base)/p/syria-children-un-investigation", label: "Syria"),
                .text("Receipt code: \(token.prefix(22))"),
                .text(shared[1]),
                .link("\(base)/p/syria-children-un-investigation/receipt?code=\(token.prefix(22))", label: "Check"),
                .text(shared[2]),
                .link("\(base)/withdraw/\(token)", label: "Withdraw"),
                .text(shared[3]),
                .text(shared[4]),
            ],
            language: arabic ? .ar : .en, createdAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)))
    }
}
