/// Why a change to an account was refused.
public enum AccountError: Error, Sendable, Equatable {
    /// No account has the identifier given.
    case noSuchAccount
}
