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

    public init(name: String, email: String, comment: String? = nil) {
        self.name = name
        self.email = email
        self.comment = comment
    }

    public var sealedFields: [String] { [name, email] + (comment.map { [$0] } ?? []) }

    public init(sealedFields fields: [String]) throws {
        guard (2...3).contains(fields.count) else { throw PersonalDataSealer.SealingError.malformed }
        self.init(name: fields[0], email: fields[1], comment: fields.count == 3 ? fields[2] : nil)
    }
}
