/// Settings of the abuse defences on signing (see README, "How signing works").
public struct AbuseSettings: Sendable, Equatable {
    /// Take the client address from the last `X-Forwarded-For` entry, as a reverse proxy sets it.
    public var trustForwardedFor = false
    /// Sign requests allowed per client address in a burst (a minute) and sustained (an hour).
    public var signsPerMinute = 5
    public var signsPerHour = 30
    /// Emails about signing (confirmation links, "already signed") per mailbox per hour.
    public var emailsPerHour = 3
    /// Sign requests a minute at this instance below which no proof of work is asked.
    public var proofOfWorkCalmRate = 120
    /// The most leading zero bits a proof of work needs under a flood; 0 turns it off.
    public var proofOfWorkMaximumBits = 18
    /// A file of disposable email domains to use instead of the shipped list.
    public var disposableDomainsFile: String?

    public init() {}
}

/// The abuse settings as given on the command line; `nil` means "not given".
public struct AbuseFlags: Sendable {
    public var trustForwardedFor: Bool?
    public var signsPerMinute: Int?
    public var signsPerHour: Int?
    public var emailsPerHour: Int?
    public var proofOfWorkCalmRate: Int?
    public var proofOfWorkMaximumBits: Int?
    public var disposableDomainsFile: String?

    public init(
        trustForwardedFor: Bool? = nil, signsPerMinute: Int? = nil, signsPerHour: Int? = nil, emailsPerHour: Int? = nil,
        proofOfWorkCalmRate: Int? = nil, proofOfWorkMaximumBits: Int? = nil, disposableDomainsFile: String? = nil
    ) {
        self.trustForwardedFor = trustForwardedFor
        self.signsPerMinute = signsPerMinute
        self.signsPerHour = signsPerHour
        self.emailsPerHour = emailsPerHour
        self.proofOfWorkCalmRate = proofOfWorkCalmRate
        self.proofOfWorkMaximumBits = proofOfWorkMaximumBits
        self.disposableDomainsFile = disposableDomainsFile
    }
}

extension AbuseSettings {
    /// Flags win over environment variables, which win over defaults.
    static func resolve(flags: AbuseFlags, environment: [String: String]) throws -> AbuseSettings {
        func text(_ variable: String) -> String? {
            environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        func count(_ flag: Int?, _ name: String, _ variable: String, minimum: Int, maximum: Int = 1_000_000) throws -> Int? {
            var value = flag
            if value == nil, let given = text(variable) {
                guard let number = Int(given) else { throw SettingsError(description: "\(variable) is not a number: \(given)") }
                value = number
            }
            if let value, !(minimum...maximum).contains(value) {
                throw SettingsError(description: "\(name) (\(variable)) must be between \(minimum) and \(maximum), not \(value)")
            }
            return value
        }
        var settings = AbuseSettings()
        if let trust = flags.trustForwardedFor {
            settings.trustForwardedFor = trust
        } else if let given = text("UNDERSIGNED_TRUST_FORWARDED_FOR") {
            switch given.lowercased() {
            case "1", "true", "yes", "on": settings.trustForwardedFor = true
            case "0", "false", "no", "off": settings.trustForwardedFor = false
            default: throw SettingsError(description: "UNDERSIGNED_TRUST_FORWARDED_FOR must be true or false, not \(given)")
            }
        }
        if let value = try count(flags.signsPerMinute, "--sign-limit-per-minute", "UNDERSIGNED_SIGN_LIMIT_PER_MINUTE", minimum: 1) {
            settings.signsPerMinute = value
        }
        if let value = try count(flags.signsPerHour, "--sign-limit-per-hour", "UNDERSIGNED_SIGN_LIMIT_PER_HOUR", minimum: 1) {
            settings.signsPerHour = value
        }
        if let value = try count(flags.emailsPerHour, "--email-limit-per-hour", "UNDERSIGNED_EMAIL_LIMIT_PER_HOUR", minimum: 1) {
            settings.emailsPerHour = value
        }
        if let value = try count(flags.proofOfWorkCalmRate, "--pow-calm-rate", "UNDERSIGNED_POW_CALM_RATE", minimum: 1) {
            settings.proofOfWorkCalmRate = value
        }
        if let value = try count(flags.proofOfWorkMaximumBits, "--pow-max-bits", "UNDERSIGNED_POW_MAX_BITS", minimum: 0, maximum: 24) {
            settings.proofOfWorkMaximumBits = value
        }
        settings.disposableDomainsFile = flags.disposableDomainsFile ?? text("UNDERSIGNED_DISPOSABLE_DOMAINS_FILE")
        return settings
    }
}
