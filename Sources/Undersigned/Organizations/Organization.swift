import Foundation

/// A campaign group whose members write and run petitions together.
public struct Organization: Sendable, Equatable {
    public var id: UUID
    /// Its address: `/org/{slug}`.
    public var slug: String
    public var name: String
    public var createdAt: Date

    public init(id: UUID = .random(), slug: String, name: String, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.createdAt = createdAt
    }

    /// Lower-case letters, digits and inner hyphens, 3 to 50 characters; not a word the
    /// site's own addresses use (`/org/new`).
    public static func isValidSlug(_ slug: String) -> Bool {
        guard (3...50).contains(slug.utf8.count), slug.first != "-", slug.last != "-", slug != "new" else {
            return false
        }
        return slug.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    /// A slug suggested by a name: "Zero Impunity!" → "zero-impunity".
    public static func slug(suggestedBy name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return String(slug.prefix(50))
    }
}

/// What a member may do in an organization; see ``Authorization``.
public enum OrganizationRole: String, Sendable, CaseIterable, Comparable, Decodable {
    case viewer
    case editor
    case owner

    public static func < (a: Self, b: Self) -> Bool {
        a.rank < b.rank
    }

    /// An organization keeps at least one owner: whether the member in `role` is its last,
    /// who may be neither removed nor given another role.
    public static func isLastOwner(_ role: Self, among roles: some Sequence<Self>) -> Bool {
        role == .owner && roles.filter { $0 == .owner }.count == 1
    }

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .owner: 2
        }
    }
}

/// A member as listed on the organization's page.
public struct Member: Sendable, Equatable {
    public var accountID: UUID
    public var name: String
    public var role: OrganizationRole
    public var since: Date
    /// The emails about the organization's petitions the member chose; `nil` when they never
    /// chose, for their role's default (``NoticeChoice/standard(for:)``).
    public var notices: NoticeChoice? = nil
}

/// An invitation to join an organization, sent by email as a link holding a secret token.
public struct Invitation: Sendable, Equatable {
    public var id: UUID
    public var organizationID: UUID
    public var tokenHash: [UInt8]
    public var emailFingerprint: [UInt8]
    public var sealedEmail: [UInt8]
    public var role: OrganizationRole
    public var invitedBy: UUID?
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var revokedAt: Date?

    public func isUsable(at now: Date) -> Bool {
        acceptedAt == nil && revokedAt == nil && expiresAt > now
    }
}
