import Foundation

/// One person's signature on one petition. Who they are is sealed in `personalData`;
/// the rest is what counting and aggregates need.
public struct Signature: Sendable, Equatable {
    public var id: UUID
    public var petitionID: UUID
    public var state: SignatureState
    public var country: String
    public var showNamePublicly: Bool
    public var wantsUpdates: Bool
    public var source: SignatureSource
    public var createdAt: Date
    public var confirmedAt: Date?
}

public enum SignatureState: String, Sendable, Codable {
    case pending
    case confirmed
    case withdrawn
    case invalidated
}

public enum SignatureSource: String, Sendable, Codable, CaseIterable {
    case web
    case embed
    case api
    case paper
}

/// What is encrypted at rest for each signature.
public struct PersonalData: Sendable, Equatable, SealableRecord {
    public var name: String
    public var email: String
    public var comment: String?
    /// The interface language the signer used, for the emails they receive; sealed with the
    /// rest, since it says something of who they are. `nil` in records sealed before it was kept.
    public var language: InterfaceLanguage?

    public init(name: String, email: String, comment: String? = nil, language: InterfaceLanguage? = nil) {
        self.name = name
        self.email = email
        self.comment = comment
        self.language = language
    }

    /// Name, email, then the comment (empty for none) and the language when there is one.
    public var sealedFields: [String] {
        guard let language else { return [name, email] + (comment.map { [$0] } ?? []) }
        return [name, email, comment ?? "", language.code]
    }

    public init(sealedFields fields: [String]) throws {
        guard (2...4).contains(fields.count) else { throw PersonalDataSealer.SealingError.malformed }
        let comment = fields.count >= 3 && !(fields.count == 4 && fields[2].isEmpty) ? fields[2] : nil
        self.init(
            name: fields[0], email: fields[1], comment: comment,
            language: fields.count == 4 ? InterfaceLanguage(rawValue: fields[3]) : nil)
    }
}
