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
    /// - Parameter disposableDomains: domains of throwaway mailboxes, refused.
    public func validated(disposableDomains: DisposableDomains = .none) -> Result<SignatureRequest, FormProblems> {
        var errors = FormProblems()
        let trimmedName = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty {
            errors["name"] = "Please enter your name."
        } else if trimmedName.count > Self.maximumNameLength {
            errors["name"] = "Please shorten your name to \(Self.maximumNameLength) characters or fewer."
        } else if trimmedName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors["name"] = "Your name contains characters we cannot accept."
        }
        let typedEmail = (email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let address = EmailAddress(typedEmail)
        if typedEmail.isEmpty {
            errors["email"] = "Please enter your email address: we send you a link to confirm your signature."
        } else if let address {
            if disposableDomains.contains(domainOf: address) {
                errors["email"] =
                    "This is a disposable address that stops working soon. Please use an address you keep: "
                    + "your signature counts only once you confirm it from there."
            }
        } else {
            errors["email"] = "This does not look like an email address. Please check it."
        }
        let country = Country.named(code: (country ?? "").trimmingCharacters(in: .whitespaces))
        if country == nil {
            errors["country"] = "Please choose your country from the list."
        }
        guard errors.isEmpty, let address, let country else { return .failure(errors) }
        return .success(
            SignatureRequest(
                name: trimmedName, email: address, country: country.code,
                showNamePublicly: Self.isChecked(showName), wantsUpdates: Self.isChecked(updates)))
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
}
