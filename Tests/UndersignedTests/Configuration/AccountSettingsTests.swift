import Testing

@testable import Undersigned

@Suite("Account settings")
struct AccountSettingsTests {
    @Test("account settings take flags and environment variables, within bounds")
    func settings() throws {
        let defaults = try Settings.resolve(flags: SettingsFlags(), environment: [:])
        #expect(defaults.accounts == AccountSettings())
        #expect(defaults.accounts.passwordHashCost == 12)
        var flags = SettingsFlags()
        flags.accounts = AccountFlags(passwordHashCost: 10, signInAttempts: 3)
        let resolved = try Settings.resolve(
            flags: flags, environment: ["UNDERSIGNED_PASSWORD_HASH_COST": "14", "UNDERSIGNED_SESSION_IDLE_HOURS": "2", "UNDERSIGNED_SIGN_IN_LOCKOUT_MINUTES": "30"])
        #expect(resolved.accounts.passwordHashCost == 10)
        #expect(resolved.accounts.sessionIdleHours == 2)
        #expect(resolved.accounts.signInAttempts == 3)
        #expect(resolved.accounts.lockoutMinutes == 30)
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: ["UNDERSIGNED_PASSWORD_HASH_COST": "3"]) }
        #expect(throws: SettingsError.self) { try Settings.resolve(flags: SettingsFlags(), environment: ["UNDERSIGNED_SESSION_DAYS": "soon"]) }
    }
}
