import ArgumentParser
import Foundation
import Undersigned

struct KeygenOrganization: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen-organization",
        abstract:
            "Make an organization's key pair for delivery packages: write the private key to a new file (mode 600), print the public key to paste on the organization's page.",
        discussion:
            "Run it on a computer the organization trusts, not on the server: the server needs only the public key.")

    @Option(help: "Where to write the private key (must not exist).")
    var output: String

    func run() throws {
        let key = try OrganizationPrivateKey.generate(writingTo: output)
        print(
            "wrote the private key to \(output): keep it secret, and keep a copy; packages encrypted to it open with nothing else"
        )
        print("public key (fingerprint \(key.publicKey.fingerprint)), to paste on the organization's page:")
        print(key.publicKey.text)
    }
}

struct DecryptPackage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt-package",
        abstract:
            "Open a delivery package encrypted to the organization's public key (.zip.hpke) with its private key, offline.",
        discussion: "Nothing is written unless the whole package opens: a changed or truncated package is refused.")

    @Option(help: "The organization's private key file, from keygen-organization.")
    var key: String
    @Argument(help: "The encrypted package.")
    var input: String
    @Argument(help: "Where to write the ZIP (must not exist).")
    var output: String

    func run() throws {
        let privateKey = try OrganizationPrivateKey.load(path: key)
        try EncryptedPackage.decrypt(
            file: URL(fileURLWithPath: input), with: privateKey, writingTo: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}
