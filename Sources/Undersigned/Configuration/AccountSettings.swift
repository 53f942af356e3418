/// Settings of organizer and moderator accounts: password hashing, sessions, lockout.
public struct AccountSettings: Sendable, Equatable {
    /// bcrypt's cost, log2 of its rounds. 12 takes a quarter of a second; tests use less.
    public var passwordHashCost = 12
    /// A session not used for this long ends.
    public var sessionIdleHours = 12
    /// A session ends this long after sign-in, however active.
    public var sessionLifetimeDays = 14
    /// Failed sign-ins in a row after which an account is locked …
    public var signInAttempts = 5
    /// … for this long.
    public var lockoutMinutes = 15

    public init() {}
}

/// The account settings as given on the command line; `nil` means "not given".
public struct AccountFlags: Sendable {
    public var passwordHashCost: Int?
    public var sessionIdleHours: Int?
    public var sessionLifetimeDays: Int?
    public var signInAttempts: Int?
    public var lockoutMinutes: Int?

    public init(
        passwordHashCost: Int? = nil, sessionIdleHours: Int? = nil, sessionLifetimeDays: Int? = nil, signInAttempts: Int? = nil,
        lockoutMinutes: Int? = nil
    ) {
        self.passwordHashCost = passwordHashCost
        self.sessionIdleHours = sessionIdleHours
        self.sessionLifetimeDays = sessionLifetimeDays
        self.signInAttempts = signInAttempts
        self.lockoutMinutes = lockoutMinutes
    }
}

extension AccountSettings {
    /// Flags win over environment variables, which win over defaults.
    static func resolve(flags: AccountFlags, environment: [String: String]) throws -> AccountSettings {
        func count(_ flag: Int?, _ variable: String, _ range: ClosedRange<Int>) throws -> Int? {
            var value = flag
            if value == nil, let given = environment[variable], !given.isEmpty {
                guard let number = Int(given) else { throw SettingsError(description: "\(variable) is not a number: \(given)") }
                value = number
            }
            if let value, !range.contains(value) {
                throw SettingsError(description: "\(variable) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            }
            return value
        }
        var settings = AccountSettings()
        if let value = try count(flags.passwordHashCost, "UNDERSIGNED_PASSWORD_HASH_COST", 4...31) { settings.passwordHashCost = value }
        if let value = try count(flags.sessionIdleHours, "UNDERSIGNED_SESSION_IDLE_HOURS", 1...24 * 30) { settings.sessionIdleHours = value }
        if let value = try count(flags.sessionLifetimeDays, "UNDERSIGNED_SESSION_DAYS", 1...365) { settings.sessionLifetimeDays = value }
        if let value = try count(flags.signInAttempts, "UNDERSIGNED_SIGN_IN_ATTEMPTS", 1...100) { settings.signInAttempts = value }
        if let value = try count(flags.lockoutMinutes, "UNDERSIGNED_SIGN_IN_LOCKOUT_MINUTES", 1...24 * 60) { settings.lockoutMinutes = value }
        return settings
    }
}
