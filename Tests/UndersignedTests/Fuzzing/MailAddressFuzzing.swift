@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Sender and reply-to addresses (`Name <local@domain>`). An accepted address has none of
/// the characters that would end it or start another header or SMTP command, and its
/// header form has no line break but folding.
enum MailAddressFuzzing: FuzzCheck {
    static let maxLength = 512

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        let address: MailAddress
        do {
            address = try MailAddress(parsing: text)
        } catch {
            Fuzz.expect(error is SettingsError, "unexpected error \(error)")
            return
        }
        let forbidden = Set(" \t\r\n<>()[],;:\"\\".unicodeScalars)
        Fuzz.expect(
            !address.address.unicodeScalars.contains(where: forbidden.contains),
            "address \(address.address.debugDescription)")
        Fuzz.expect(
            address.address.unicodeScalars.filter { $0 == "@" }.count == 1,
            "address \(address.address.debugDescription)")
        let header = Array(address.header.utf8)
        for (index, byte) in header.enumerated() where byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
            let folds =
                byte == UInt8(ascii: "\r")
                ? header.dropFirst(index + 1).starts(with: [0x0A, 0x20]) : index > 0 && header[index - 1] == 0x0D
            Fuzz.expect(folds, "header \(address.header.debugDescription) breaks a line")
        }
        Fuzz.expect(
            address.name.map { !$0.contains("\r") && !$0.contains("\n") } ?? true,
            "name \(address.name.debugDescription)")
    }
}
