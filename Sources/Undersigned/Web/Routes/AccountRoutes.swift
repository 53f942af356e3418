/// Signing in and out, the account's page and password resets.
public enum AccountRoute: RouteGroup {
    case account
    case signIn
    case signOut
    /// Asking for a reset link.
    case reset
    /// The emailed reset link, where the new password is chosen.
    case newPassword(token: String)

    public static let prefix = ["account"]
    public static let all: [AccountRoute] = [.account, .signIn, .signOut, .reset, .newPassword(token: "")]

    public var declaration: RouteDeclaration {
        switch self {
        case .account: .getAndPost()
        case .signIn: .getAndPost("sign-in")
        case .signOut: .post("sign-out")
        case .reset: .getAndPost("reset")
        case .newPassword(let token): .getAndPost("reset", .token(token))
        }
    }
}

/// The emailed link that invites someone into an organization.
public enum InvitationRoute: RouteGroup {
    case invitation(token: String)
    case accept(token: String)
    case createAccount(token: String)

    public static let prefix = ["invitations"]
    public static let all: [InvitationRoute] = [.invitation(token: ""), .accept(token: ""), .createAccount(token: "")]

    public var declaration: RouteDeclaration {
        switch self {
        case .invitation(let token): .get(.token(token))
        case .accept(let token): .post(.token(token), "accept")
        case .createAccount(let token): .post(.token(token), "create-account")
        }
    }
}
