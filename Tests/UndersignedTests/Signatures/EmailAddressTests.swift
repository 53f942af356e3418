import Testing

@testable import Undersigned

@Suite("Email addresses")
struct EmailAddressTests {
    @Test(
        "addresses that reach the same mailbox normalise alike",
        arguments: [
            ("Jane.Doe+petitions@Gmail.com", "janedoe@gmail.com"),
            ("j.a.n.e.doe@googlemail.com", "janedoe@gmail.com"),
            ("Someone+tag@outlook.com", "someone@outlook.com"),
            ("first.last+x@example.org", "first.last+x@example.org"),
            ("  MiXeD@Example.ORG ", "mixed@example.org"),
            ("nour@proton.me", "nour@proton.me"),
            ("nour+petitions@proton.me", "nour@proton.me"),
            ("Nour.Khalil+x@protonmail.ch", "nour.khalil@protonmail.ch"),
            ("sam+news@fastmail.fm", "sam@fastmail.fm"),
            ("sam.jones+x@fastmail.com", "sam.jones@fastmail.com"),
            ("lea+sign@hotmail.fr", "lea@hotmail.fr"),
            ("lea.martin+a@live.co.uk", "lea.martin@live.co.uk"),
            ("old+hand@msn.com", "old@msn.com"),
            ("ali+x@icloud.com", "ali@icloud.com"),
            ("ali.b+y@me.com", "ali.b@me.com"),
            ("ali+z@mac.com", "ali@mac.com"),
            ("ivan+tag@ya.ru", "ivan@ya.ru"),
            // Dots matter everywhere but at Gmail; so do plus signs at providers not known to ignore them.
            ("first.last@outlook.com", "first.last@outlook.com"),
            ("first.last+x@yahoo.com", "first.last+x@yahoo.com"),
            ("a.b+c@gmail.co.uk", "a.b+c@gmail.co.uk"),
        ])
    func normalisation(typed: String, normalized: String) throws {
        let address = try #require(EmailAddress(typed))
        #expect(address.normalized == normalized)
        #expect(address.address == typed.trimmingCharacters(in: .whitespaces))
    }

    @Test(
        "malformed addresses are refused",
        arguments: [
            "", "plain", "@example.org", "user@", "user@localhost", "user@@example.org", "user@exa mple.org",
            "user name@example.org", "us\"er@example.org", "us(er)@example.org", "us,er@example.org",
            "us:er@example.org", "us;er@example.org", "us<er@example.org", "us[er]@example.org", "us\\er@example.org",
            "us\u{7F}er@example.org", "😀@example.org", ".user@example.org", "user.@example.org", "us..er@example.org",
            "user@-example.org",
            "user@example.org\r\nBcc: x@example.org", "user@example.123",
            String(repeating: "a", count: 65) + "@example.org",
            "user@" + String(repeating: "a", count: 64) + ".org", "<script>@example.org",
        ])
    func refused(typed: String) {
        #expect(EmailAddress(typed) == nil)
    }

    @Test(
        "international addresses are accepted",
        arguments: [
            "سارة@example.org", "user@exämple.de", "o'brien@example.ie", "١٢٣@example.org",
            "a!#$%&'*+-/=?^_`{|}~.z@example.org", "Zoë.09@example.org",
        ])
    func international(typed: String) {
        #expect(EmailAddress(typed) != nil)
    }

    @Test("the fingerprint depends on the key and on the mailbox, not on how it was written")
    func fingerprint() throws {
        let one = EmailFingerprinter(key: .init(data: Array(repeating: UInt8(1), count: 32)))
        let other = EmailFingerprinter(key: .init(data: Array(repeating: UInt8(2), count: 32)))
        let a = try #require(EmailAddress("Jane.Doe@gmail.com"))
        let b = try #require(EmailAddress("janedoe+x@gmail.com"))
        let c = try #require(EmailAddress("john@gmail.com"))
        #expect(one.fingerprint(a) == one.fingerprint(b))
        #expect(one.fingerprint(a) != one.fingerprint(c))
        #expect(one.fingerprint(a) != other.fingerprint(a))
        #expect(one.fingerprint(a).count == 32)
    }
}
