import Foundation
import Testing

@testable import Undersigned

/// News reaches each signer in the language they signed in: who speaks is said in it, while
/// the update's own words stay as their writer wrote them.
@Suite("Announcements in each signer's language")
struct AnnouncementLanguageTests {
    @Test(
        "an update is introduced in French to a French signer and in Arabic to an Arabic one",
        arguments: TestDatabase.all)
    func leadInEachLanguage(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let editor = try await instance.createAccount("editor@example.org")
        let petition = try #require(
            try await instance.prepareOrganization("rivers", owner: editor, petitions: ["clean-rivers": .open])[
                "clean-rivers"])
        try await instance.run { browser in
            try await browser.signIn("editor@example.org")
            for (address, language) in [("fr@example.org", "fr"), ("ar@example.org", "ar")] {
                let signer = browser.newVisitor()
                _ = try await signer.get("/p/clean-rivers?lang=\(language)")
                try await signer.signAndConfirm(email: address, on: "clean-rivers", updates: true)
            }
            let posted = try await browser.submit(
                PetitionUpdateTests.updates,
                [("subject", "We met the minister"), ("body", "She listened."), ("confirmed", "yes")])
            #expect(posted.status == .seeOther)

            let french = try #require(try await browser.mailbox.waitForMessages(to: "fr@example.org", count: 3).last)
            #expect(french.subject == "We met the minister — \(petition.title)")
            #expect(french.raw.contains("Content-Language: fr"))
            #expect(
                french.raw.contains(
                    Translations.bundled[.fr].text(.emailNewsUpdateLead, ["organizer": petition.organizer])))
            #expect(french.raw.contains("She listened."))
            #expect(!french.raw.contains("has posted news"))

            let arabic = try #require(try await browser.mailbox.waitForMessages(to: "ar@example.org", count: 3).last)
            #expect(arabic.raw.contains("Content-Language: ar"))
            #expect(
                arabic.raw.contains(
                    Translations.bundled[.ar].text(.emailNewsUpdateLead, ["organizer": petition.organizer])))
            #expect(arabic.raw.contains("She listened."))
        }
    }
}
