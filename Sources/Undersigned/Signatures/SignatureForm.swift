/// The sign form as submitted, and its validation into a ``SignatureRequest``.
public struct SignatureForm: Sendable, Equatable, Decodable {
    public var name: String?
    public var email: String?
    public var country: String?
    public var showName: String?
    public var updates: String?

    public init(
        name: String? = nil, email: String? = nil, country: String? = nil, showName: String? = nil,
        updates: String? = nil
    ) {
        self.name = name
        self.email = email
        self.country = country
        self.showName = showName
        self.updates = updates
    }

    public static let maximumNameLength = 100

    /// The request to sign, or a friendly message for each field that needs fixing.
    /// - Parameters:
    ///   - disposableDomains: domains of throwaway mailboxes, refused.
    ///   - words: the signer's language, for the messages.
    public func validated(disposableDomains: DisposableDomains = .none, in words: Translation = Translations.english)
        -> Result<SignatureRequest, FormProblems>
    {
        var errors = FormProblems()
        let trimmedName = (name ?? "").trimmed()
        if trimmedName.isEmpty {
            errors["name"] = words.text(.signErrorNameMissing)
        } else if trimmedName.count > Self.maximumNameLength {
            errors["name"] = words.text(
                .signErrorNameTooLong, ["limit": words.language.number(Self.maximumNameLength)])
        } else if trimmedName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors["name"] = words.text(.signErrorNameCharacters)
        }
        let typedEmail = (email ?? "").trimmed()
        let address = EmailAddress(typedEmail)
        if typedEmail.isEmpty {
            errors["email"] = words.text(.signErrorEmailMissing)
        } else if let address {
            if disposableDomains.contains(domainOf: address) {
                errors["email"] = words.text(.signErrorEmailDisposable)
            }
        } else {
            errors["email"] = words.text(.signErrorEmailInvalid)
        }
        let country = Country.named(code: (country ?? "").trimmed())
        if country == nil {
            errors["country"] = words.text(.signErrorCountry)
        }
        guard errors.isEmpty, let address, let country else { return .failure(errors) }
        return .success(
            SignatureRequest(
                name: trimmedName, email: address, country: country.code,
                showNamePublicly: Self.isChecked(showName), wantsUpdates: Self.isChecked(updates),
                language: words.language))
    }

    private static func isChecked(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["on", "yes", "true", "1"].contains(value.lowercased())
    }
}

/// A valid request to sign, not yet stored.
public struct SignatureRequest: Sendable, Equatable {
    public var name: String
    public var email: EmailAddress
    public var country: String
    public var showNamePublicly: Bool
    public var wantsUpdates: Bool
    public var source: SignatureSource = .web
    /// The interface language the signer used: their emails are written in it.
    public var language: InterfaceLanguage = .en
}
