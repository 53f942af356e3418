import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Signers' email addresses, and the sign form that reads them. An accepted address is the
/// input trimmed, at most 254 bytes, reads back the same, and normalises to `local@domain`
/// with the domain lower-cased; an accepted form has a name without control characters.
enum EmailAddressFuzzing: FuzzCheck {
    static let maxLength = 600

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        guard let text = Fuzz.text(start, count) else { return }
        if let address = EmailAddress(text) {
            Fuzz.expect(
                address.address == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "address is not the input trimmed")
            Fuzz.expect(address.address.utf8.count <= 254, "address of \(address.address.utf8.count) bytes")
            Fuzz.expect(
                EmailAddress(address.address) == address, "\(address.address.debugDescription) reads back differently")
            let domain =
                address.address.split(separator: "@", omittingEmptySubsequences: false).last.map { $0.lowercased() }
                ?? ""
            Fuzz.expect(
                address.normalized.hasSuffix("@" + domain) || address.normalized.hasSuffix("@gmail.com"),
                "\(address.normalized.debugDescription) does not end with the domain \(domain.debugDescription)")
        }
        let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        let form = SignatureForm(
            name: lines.first, email: lines.count > 1 ? lines[1] : text, country: lines.count > 2 ? lines[2] : "FR")
        if case .success(let request) = form.validated() {
            Fuzz.expect(
                !request.name.isEmpty && request.name.count <= SignatureForm.maximumNameLength,
                "name \(request.name.debugDescription)")
            Fuzz.expect(
                !request.name.unicodeScalars.contains { $0.properties.generalCategory == .control },
                "name \(request.name.debugDescription)")
            Fuzz.expect(Country.named(code: request.country) != nil, "country \(request.country.debugDescription)")
        }
    }
}
