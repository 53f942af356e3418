import Foundation

/// Someone who organizes or moderates: an organizer in organizations, or an instance admin.
/// The email address is personal data: it is kept sealed, and found by its fingerprint.
public struct Account: Sendable, Equatable {
    public var id: UUID
    public var name: String
    /// HMAC of the normalised address under a key of its own: the sign-in lookup key.
    public var emailFingerprint: [UInt8]
    public var sealedEmail: [UInt8]
    public var passwordHash: String
    public var isAdmin: Bool
    public var createdAt: Date
    public var disabledAt: Date?
    /// The language of the emails it is sent, set at each sign-in and on its page; `nil`, for an
    /// account that has done neither since it was recorded, means English.
    public var emailLanguage: InterfaceLanguage?

    public init(
        id: UUID = .random(), name: String, emailFingerprint: [UInt8], sealedEmail: [UInt8], passwordHash: String,
        isAdmin: Bool,
        createdAt: Date, disabledAt: Date? = nil, emailLanguage: InterfaceLanguage? = nil
    ) {
        self.id = id
        self.name = name
        self.emailFingerprint = emailFingerprint
        self.sealedEmail = sealedEmail
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.emailLanguage = emailLanguage
    }

    public var isDisabled: Bool { disabledAt != nil }
}

/// An address as sealed in the database (accounts, invitations).
struct SealedAddress: SealableRecord {
    var address: String

    var sealedFields: [String] { [address] }

    init(_ address: String) {
        self.address = address
    }

    init(sealedFields: [String]) throws {
        guard sealedFields.count == 1 else { throw PersonalDataSealer.SealingError.malformed }
        address = sealedFields[0]
    }
}

/// A person's display name as typed in a form: trimmed, 1 to 100 characters, no control characters.
enum AccountName {
    static func validated(_ text: String?) -> String? {
        let name = (text ?? "").trimmed()
        guard (1...100).contains(name.count),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            return nil
        }
        return name
    }
}
