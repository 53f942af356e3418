import Crypto
import Foundation
import Logging

/// Creating accounts and reading their addresses. The address is sealed; its fingerprint,
/// under a key of its own, finds the account at sign-in.
public struct Accounts: Sendable {
    public typealias Store = AccountStore & OrganizationStore & AuditStore

    let store: any Store
    let fingerprinter: EmailFingerprinter
    let sealer: PersonalDataSealer
    let hasher: PasswordHasher
    let clock: WallClock

    public init(
        store: any Store, secret: ServerSecret, sealer: PersonalDataSealer, settings: Settings,
        clock: WallClock = .system
    ) {
        self.store = store
        self.fingerprinter = EmailFingerprinter(key: secret.key(for: .accountEmailFingerprint))
        self.sealer = sealer
        self.hasher = PasswordHasher(cost: settings.passwordHashCost)
        self.clock = clock
    }

    /// Creates an account and records it in the audit log.
    /// - Parameter actor: who creates it; `nil` for the command line.
    @discardableResult
    public func create(
        name: String, email: String, password: String, isAdmin: Bool, actor: UUID?,
        words: Translation = Translations.english
    ) async throws -> Account {
        let account = try await newAccount(
            name: name, email: email, password: password, isAdmin: isAdmin, words: words)
        try await store.accountTransaction { transaction in
            guard try await transaction.insert(account) else {
                throw FormProblems("email", words.text(.accountProblemEmailTaken))
            }
            try await transaction.record(
                AuditEvent(
                    at: account.createdAt, actorID: actor, action: .accountCreated, subjectType: "account",
                    subjectID: account.id.text,
                    details: isAdmin ? "instance admin" : ""))
        }
        return account
    }

    /// Disables an account, which ends its sessions at once, or enables it again. Admins
    /// cannot disable themselves, so an instance always keeps the admin who acts.
    public func setDisabled(
        _ accountID: UUID, _ disabled: Bool, by admin: Account, words: Translation = Translations.english
    ) async throws {
        guard accountID != admin.id else { throw FormProblems("account", words.text(.accountProblemDisableSelf)) }
        let now = clock.now
        try await store.accountTransaction { transaction in
            guard let account = try await transaction.account(id: accountID) else {
                throw AccountError.noSuchAccount
            }
            guard account.isDisabled != disabled else { return }
            try await transaction.setDisabled(accountID: accountID, at: disabled ? now : nil)
            if disabled { try await transaction.deleteSessions(accountID: accountID) }
            try await transaction.record(
                AuditEvent(
                    at: now, actorID: admin.id, action: disabled ? .accountDisabled : .accountEnabled,
                    subjectType: "account",
                    subjectID: accountID.text))
        }
    }

    /// Sets the language of the emails the account is sent.
    public func chooseEmailLanguage(_ language: InterfaceLanguage, for account: Account) async throws {
        guard account.emailLanguage != language else { return }
        try await store.accountTransaction { transaction in
            try await transaction.setEmailLanguage(accountID: account.id, language)
        }
    }

    /// A checked account ready to insert, with its password hashed and its problems in `words`'
    /// language. `emailLanguage` is the language of the page it was made on; one made from the
    /// command line has none until its first sign-in records one.
    func newAccount(
        name: String?, email: String?, password: String, isAdmin: Bool, words: Translation = Translations.english,
        emailLanguage: InterfaceLanguage? = nil
    ) async throws -> Account {
        var problems = FormProblems()
        let validName = AccountName.validated(name)
        if validName == nil { problems["name"] = words.text(.accountProblemName) }
        let address = EmailAddress(email ?? "")
        if address == nil { problems["email"] = words.text(.accountProblemEmail) }
        if let problem = PasswordPolicy.problem(with: password, email: address?.address, words: words) {
            problems["password"] = problem
        }
        try problems.check()
        guard let validName, let address else { throw problems }
        let id = UUID.random()
        return Account(
            id: id, name: validName, emailFingerprint: fingerprint(address),
            sealedEmail: try sealer.seal(SealedAddress(address.address), in: .account(id)),
            passwordHash: try await hasher.hash(password), isAdmin: isAdmin, createdAt: clock.now,
            emailLanguage: emailLanguage)
    }

    public func account(email: String) async throws -> Account? {
        guard let address = EmailAddress(email) else { return nil }
        return try await store.account(emailFingerprint: fingerprint(address))
    }

    /// What sign-in failures are counted under, in memory only: the fingerprint of the address,
    /// which an address without an account has too, or a hash of whatever else was typed.
    func signInIdentity(email: String) -> [UInt8] {
        if let address = EmailAddress(email) { return fingerprint(address) }
        return Array(SHA256.hash(data: Array("not an address: \(email)".utf8)))
    }

    /// The account's address, unsealed.
    public func email(of account: Account) throws -> String {
        try sealer.open(SealedAddress.self, from: account.sealedEmail, in: .account(account.id)).address
    }

    func fingerprint(_ address: EmailAddress) -> [UInt8] {
        fingerprinter.fingerprint(address)
    }

}

/// Creates an instance admin, as `undersigned create-admin` does: the database is migrated
/// first when it is empty, so that this can be the very first command.
public func createAdmin(settings: Settings, name: String, email: String, password: String, logger: Logger) async throws
    -> Account
{
    try await createAccount(
        settings: settings, name: name, email: email, password: password, isAdmin: true, logger: logger)
}

func createAccount(settings: Settings, name: String, email: String, password: String, isAdmin: Bool, logger: Logger)
    async throws -> Account
{
    try await Instance.run(settings: settings, logger: logger) { instance in
        try await prepare(instance.database, logger: logger)
        try await instance.loadDataKeys()
        return try await instance.accounts.create(
            name: name, email: email, password: password, isAdmin: isAdmin, actor: nil)
    }
}
