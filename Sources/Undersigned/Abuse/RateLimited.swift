/// A request held back by one of the limits on what a client may do in a while, with how
/// long it must wait before the limit lets it through.
public enum RateLimited: Error, Sendable, Equatable {
    /// Signatures from the client's address.
    case signing(retryAfterSeconds: Int)
    /// Sign-in attempts and password reset requests from the client's address.
    case accountAttempts(retryAfterSeconds: Int)
    /// Wrong passwords for one account from the client: the sign-in throttle.
    case wrongPasswords(retryAfterSeconds: Int)
    /// Reports of petitions from the client's address.
    case reports(retryAfterSeconds: Int)

    public var retryAfterSeconds: Int {
        switch self {
        case .signing(let seconds), .accountAttempts(let seconds), .wrongPasswords(let seconds),
            .reports(let seconds):
            seconds
        }
    }
}
