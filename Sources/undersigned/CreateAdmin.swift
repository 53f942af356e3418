import ArgumentParser
import Foundation
import Undersigned

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an instance admin account (the first one, or another).",
        discussion: """
            The password is read from standard input with --password-stdin, else from UNDERSIGNED_ADMIN_PASSWORD, else asked \
            for at the terminal without echo. It is never a flag, which would show it in the process list.
            """)

    @Option(help: "The admin's email address: they sign in with it.")
    var email: String
    @Option(help: "The admin's name, as others see it (default: the part of the email before @).")
    var name: String?
    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false
    @OptionGroup var settings: SettingsArguments

    func run() async throws {
        let settings = try self.settings.resolve()
        let password = try readPassword()
        let displayName = name ?? String(email.split(separator: "@").first ?? "admin")
        do {
            let account = try await createAdmin(
                settings: settings, name: displayName, email: email, password: password, logger: settings.makeLogger())
            print(
                "created admin account \(account.id.uuidString.lowercased()) (\(account.name)); sign in at \(AccountRoute.signIn.url(on: settings.baseURL))"
            )
        } catch let problems as FormProblems {
            throw Refusal(problems.messages.values.sorted().joined(separator: "\n"))
        }
    }

    private func readPassword() throws -> String {
        if passwordStdin {
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw Refusal("no password on standard input")
            }
            return line
        }
        if let password = ProcessInfo.processInfo.environment["UNDERSIGNED_ADMIN_PASSWORD"], !password.isEmpty {
            return password
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw Refusal("give the password with --password-stdin or UNDERSIGNED_ADMIN_PASSWORD, or run at a terminal")
        }
        let first = try Terminal.readHidden(prompt: "Password (at least \(PasswordPolicy.minimumLength) characters): ")
        let second = try Terminal.readHidden(prompt: "The same again: ")
        guard first == second else { throw Refusal("the two passwords differ") }
        return first
    }
}

/// A reason to stop, told as it is, without the usage text that argument errors get.
struct Refusal: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Reading a line at the terminal with echo turned off.
enum Terminal {
    static func readHidden(prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw Refusal("cannot read the terminal's settings") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw Refusal("no password given") }
        return line
    }
}
