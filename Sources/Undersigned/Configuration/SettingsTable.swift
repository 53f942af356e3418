import Foundation
import Logging

/// Every setting of an instance, each declared here once. `settings.port` reads the `port`
/// below (see ``Settings``); the command line reads its flags from here, falling back on the
/// variables, and `--help`, the validation messages and the README's table of settings
/// (`undersigned settings --markdown`) are written from here. The order is the README's.
public struct SettingsTable: Sendable {
    public let hostname = Setting(
        flag: "hostname", variable: "UNDERSIGNED_HOSTNAME", default: "127.0.0.1", parser: .text("address"),
        meaning: "address to listen on")
    public let port = Setting(
        flag: "port", variable: "UNDERSIGNED_PORT", default: 8080, parser: .integer(0...65535),
        meaning: "port to listen on")
    public let maxConnections = Setting(
        flag: "max-connections", variable: "UNDERSIGNED_MAX_CONNECTIONS",
        absent: "as many as the open-file limit allows", parser: .integer(1...1_000_000),
        meaning:
            "connections served at once; more wait in the system's queue (up to 4,096 not yet accepted, or `net.core.somaxconn` if lower) until one closes (an idle one closes after 30 s; an open page's live count holds one). The server raises its open-file limit as far as the system lets it and keeps 256 of those files (a quarter, under a small limit) for its database and mail; a number set here is lowered to that, with a warning. Each connection costs memory (about 14 KB open and idle, 8 KB more once it has been answered, more while it is answered: `bench/connections`): on a small machine, set a number"
    )
    public let database = Setting(
        flag: "database", variable: "UNDERSIGNED_DATABASE_URL", default: .sqlite(path: "undersigned.sqlite"),
        parser: .database,
        meaning: "`sqlite://PATH`, or `postgres://USER:PASSWORD@HOST:PORT/DB` (add `?sslmode=require` for TLS)")
    public let baseURL = Setting(
        flag: "base-url", variable: "UNDERSIGNED_BASE_URL", default: "`http://HOSTNAME:PORT`",
        derived: { Settings.localURL(hostname: $0.hostname, port: $0.port) }, parser: .httpURL,
        meaning: "public origin used in emailed links, e.g. `https://sign.example.org`")
    public let mailTransport = Setting(
        flag: "mail-transport", variable: "UNDERSIGNED_MAIL_TRANSPORT", default: MailTransportKind.file,
        parser: .choice,
        meaning:
            "`file`: one `.eml` per message in the mail directory; `log`: logs that a message was sent, never its content (load tests); `smtp`: the mail server of `--smtp-url`"
    )
    public let mailDirectory = Setting(
        flag: "mail-dir", variable: "UNDERSIGNED_MAIL_DIR", default: "mail-outbox", parser: .text("directory"),
        meaning: "where the `file` transport writes")
    public let smtpServer = Setting(
        flag: "smtp-url", variable: "UNDERSIGNED_SMTP_URL", absent: "—", parser: .smtpServer,
        meaning:
            "`smtp://USER:PASSWORD@HOST:PORT` (STARTTLS required, port 587 by default), `smtps://…` (TLS from the first byte, port 465) or `smtp://HOST:PORT?tls=none` (in clear, without credentials: a local relay only); user and password percent-encoded, optional. Prefer the variable: a flag shows the password in the process list. Never logged."
    )
    public let mailFrom = Setting(
        flag: "mail-from", variable: "UNDERSIGNED_MAIL_FROM",
        default: MailAddress(name: "Undersigned", address: "no-reply@localhost.localdomain"), parser: .mailAddress,
        meaning: "the sender; its domain also names the Message-IDs")
    public let mailReplyTo = Setting(
        flag: "mail-reply-to", variable: "UNDERSIGNED_MAIL_REPLY_TO", absent: "none", parser: .mailAddress,
        meaning: "where replies go, e.g. the campaign team")
    public let smtpConnections = Setting(
        flag: "smtp-connections", variable: "UNDERSIGNED_SMTP_CONNECTIONS", default: 4, parser: .integer(1...64),
        meaning: "connections to the mail server used in parallel, each kept open between messages")
    public let smtpCAFile = Setting(
        flag: "smtp-ca-file", variable: "UNDERSIGNED_SMTP_CA_FILE", absent: "none", parser: .text("file"),
        meaning:
            "a CA certificate (PEM) trusted beside the system's, for a mail server with a private certificate (the tests use one)"
    )
    public let dkimKeyFile = Setting(
        flag: "dkim-key-file", variable: "UNDERSIGNED_DKIM_KEY_FILE", absent: "none", parser: .text("file"),
        meaning: "a PEM private key, Ed25519 or RSA (2048 bits or more): every email is then signed with DKIM")
    public let dkimSelector = Setting(
        flag: "dkim-selector", variable: "UNDERSIGNED_DKIM_SELECTOR", absent: "—", parser: .text("selector"),
        meaning: "the selector of that key (required with a key): its DNS record is `SELECTOR._domainkey.DOMAIN`")
    public let dkimDomain = Setting(
        flag: "dkim-domain", variable: "UNDERSIGNED_DKIM_DOMAIN", default: "the sender's domain",
        derived: { $0.mailFrom.domain }, parser: .text("domain"), meaning: "the signing domain (`d=`)")
    public let outboxLease = Setting(
        flag: "outbox-lease-seconds", variable: "UNDERSIGNED_OUTBOX_LEASE_SECONDS", default: .seconds(20),
        parser: .count(of: "seconds", seconds: 1, 3...300),
        meaning:
            "how long a batch of email claimed by an instance is hidden from the others; renewed every third of it while the instance sends, so it is also how long a crashed instance's claimed mail waits before it goes out again"
    )
    public let petitionReview = Setting(
        flag: "petition-review", variable: "UNDERSIGNED_PETITION_REVIEW", default: PetitionReview.required,
        parser: .choice,
        meaning:
            "`required`: submitted petitions wait for a moderator's approval; `optional`: they open at once, and moderators may still take them down"
    )
    public let dataDirectory = Setting(
        flag: "data-dir", variable: "UNDERSIGNED_DATA_DIR", default: ".", parser: .text("directory"),
        meaning: "where generated state lives (the server secret, the key file)")
    public let keyFile = Setting(
        flag: "key-file", variable: "UNDERSIGNED_KEY_FILE", default: "`DATA_DIR/undersigned.keys`",
        derived: { $0.dataFile("undersigned.keys") }, parser: .text("file"),
        meaning: "the master keys that wrap the data keys (created on first run, mode 600)")
    public let masterKeys = Setting(
        flag: nil, variable: "UNDERSIGNED_MASTER_KEYS", absent: "—", parser: .text("keys"),
        meaning:
            "the master keys themselves, `ID BASE64` separated by commas, first is primary; replaces the key file")
    public let logKeyFile = Setting(
        flag: "log-key-file", variable: "UNDERSIGNED_LOG_KEY_FILE", default: "`DATA_DIR/undersigned-log.key`",
        derived: { $0.dataFile("undersigned-log.key") }, parser: .text("file"),
        meaning:
            "the Ed25519 key that signs the signature logs' tree heads (created on first run, mode 600)")
    public let logKey = Setting(
        flag: nil, variable: "UNDERSIGNED_LOG_KEY", absent: "—", parser: .text("key"),
        meaning: "that key itself, base64 of its 32 bytes; replaces the file")
    public let smallCountThreshold = Setting(
        flag: "small-count-threshold", variable: "UNDERSIGNED_SMALL_COUNT_THRESHOLD", default: 10,
        parser: .integer(2...Int.max),
        meaning:
            "countries with fewer confirmed signers are never named (pages, API, dashboard, delivery package): they are counted together as \"other countries\", and that sum is given only once it reaches N"
    )
    public let countryFiguresInterval = Setting(
        flag: "country-figures-minutes", variable: "UNDERSIGNED_COUNTRY_FIGURES_MINUTES", default: .seconds(3600),
        parser: .count(of: "minutes", seconds: 60, 1...1440),
        meaning:
            "the published per-country figures are a snapshot taken afresh every this many minutes, on multiples of the interval (on the hour by default), shown with its time: watching the exact total go up one by one tells nobody where a new signer is from"
    )
    public let figuresInterval = Setting(
        flag: "figures-seconds", variable: "UNDERSIGNED_FIGURES_SECONDS", default: .seconds(1),
        parser: .count(of: "seconds", seconds: 1, 1...300),
        meaning:
            "a petition's count, paper count and signed log head are read again from the database every this many seconds: how soon an instance shows what others sharing its database counted (its own signatures count at once). Petitions themselves are read again every 5 seconds, or this often if longer"
    )
    public let liveCountDuration = Setting(
        flag: "live-count-seconds", variable: "UNDERSIGNED_LIVE_COUNT_SECONDS", default: .seconds(1800),
        parser: .count(of: "seconds", seconds: 1, 0...86_400),
        meaning:
            "an open page's live count stream (`/p/{slug}/events`) ends after this many seconds and the browser opens another; `0` sends the count once and closes, and browsers ask again every 5 seconds (for proxies that hold streams back)"
    )
    public let deliveredDataRetention = Setting(
        flag: "delivered-data-retention-days", variable: "UNDERSIGNED_DELIVERED_DATA_RETENTION_DAYS",
        default: .seconds(90 * 86_400), parser: .count(of: "days", seconds: 86_400, 0...36_500),
        meaning: "days after a petition's delivery before its signers' names and addresses are erased")
    public let secret = Setting(
        flag: nil, variable: "UNDERSIGNED_SECRET", absent: "generated", parser: .text("secret"),
        meaning:
            "the server secret (32+ characters). If unset, a random one is created in `DATA_DIR/undersigned.secret` (mode 600) on first run. Instances sharing a database must share it. It is never logged."
    )
    public let logLevel = Setting(
        flag: "log-level", variable: "UNDERSIGNED_LOG_LEVEL", default: Logger.Level.info, parser: .choice,
        meaning: "how much the server logs")
    public let trustForwardedFor = Setting(
        flag: "trust-forwarded-for", variable: "UNDERSIGNED_TRUST_FORWARDED_FOR", default: false, parser: .onOff,
        meaning:
            "take the client address from the last `X-Forwarded-For` entry, the one your reverse proxy appends. Only behind such a proxy: otherwise clients could name any address they like"
    )
    public let signsPerMinute = Setting(
        flag: "sign-limit-per-minute", variable: "UNDERSIGNED_SIGN_LIMIT_PER_MINUTE", default: 5,
        parser: .integer(1...1_000_000), meaning: "sign requests allowed per client address in a burst")
    public let signsPerHour = Setting(
        flag: "sign-limit-per-hour", variable: "UNDERSIGNED_SIGN_LIMIT_PER_HOUR", default: 30,
        parser: .integer(1...1_000_000), meaning: "sign requests allowed per client address over an hour")
    public let emailsPerHour = Setting(
        flag: "email-limit-per-hour", variable: "UNDERSIGNED_EMAIL_LIMIT_PER_HOUR", default: 3,
        parser: .integer(1...1_000_000),
        meaning: "emails about signing (the confirmation link, \"already signed\") per mailbox per hour")
    public let proofOfWorkCalmRate = Setting(
        flag: "pow-calm-rate", variable: "UNDERSIGNED_POW_CALM_RATE", default: 120, parser: .integer(1...1_000_000),
        meaning: "sign requests a minute, at one instance, below which no proof of work is asked")
    public let proofOfWorkMaximumBits = Setting(
        flag: "pow-max-bits", variable: "UNDERSIGNED_POW_MAX_BITS", default: 18, parser: .integer(0...24),
        meaning: "the most work a proof may need under a flood, in leading zero bits (`0` turns proof of work off)")
    public let disposableDomainsFile = Setting(
        flag: "disposable-domains-file", variable: "UNDERSIGNED_DISPOSABLE_DOMAINS_FILE", absent: "shipped list",
        parser: .text("file"),
        meaning:
            "a file of disposable email domains to refuse, one a line, `#` for comments, instead of `Resources/data/disposable-domains.txt`"
    )
    public let passwordHashCost = Setting(
        flag: "password-hash-cost", variable: "UNDERSIGNED_PASSWORD_HASH_COST", default: 12, parser: .integer(4...31),
        meaning: "bcrypt cost of new password hashes; each step doubles the time a guess takes")
    public let sessionIdleHours = Setting(
        flag: "session-idle-hours", variable: "UNDERSIGNED_SESSION_IDLE_HOURS", default: 12,
        parser: .integer(1...24 * 30), meaning: "a sign-in session not used for this many hours ends")
    public let sessionLifetimeDays = Setting(
        flag: "session-days", variable: "UNDERSIGNED_SESSION_DAYS", default: 14, parser: .integer(1...365),
        meaning: "a sign-in session ends this many days after sign-in, however active")
    public let signInAttempts = Setting(
        flag: "sign-in-attempts", variable: "UNDERSIGNED_SIGN_IN_ATTEMPTS", default: 5, parser: .integer(1...100),
        meaning:
            "failed sign-ins on an account from one client (address, or known device) after which each further try from it waits, 1 second, then twice as long each time …"
    )
    public let signInMaximumWaitMinutes = Setting(
        flag: "sign-in-max-wait-minutes", variable: "UNDERSIGNED_SIGN_IN_MAX_WAIT_MINUTES", default: 15,
        parser: .integer(1...24 * 60), meaning: "… up to this many minutes (no account is ever locked)")
    public let signInFailuresPerHour = Setting(
        flag: "sign-in-failures-per-hour", variable: "UNDERSIGNED_SIGN_IN_FAILURES_PER_HOUR", default: 20,
        parser: .integer(1...10_000),
        meaning:
            "failed sign-ins an hour an account takes from all clients; beyond, clients that failed on it wait, while one that never did, or a known device, still gets through"
    )

    /// Every setting, in the order declared above. Read by reflection so that a new setting is
    /// one declaration, not also an entry in a list that could be forgotten.
    static let all: [any SettingDeclaration] = Mirror(reflecting: SettingsTable()).children.compactMap {
        $0.value as? any SettingDeclaration
    }
}
