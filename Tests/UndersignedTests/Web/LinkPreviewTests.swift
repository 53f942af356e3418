import Foundation
import Testing

@testable import Undersigned

/// What a pasted link shows in messaging apps, the share links beside the form, and the
/// printable flyer.
@Suite("Link previews, sharing and the flyer")
struct LinkPreviewTests {
    @Test("the seed petition's page carries its preview tags, share links and a flyer", arguments: TestDatabase.all)
    func seedPetition(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            let url = "http://undersigned.test\(TestInstance.seedPath)"
            let seed = try SeedPetition.load(createdAt: Date())
            let title = Self.escaped(seed.title)
            for tag in [
                #"<link rel="canonical" href="\#(url)">"#,
                #"<meta property="og:url" content="\#(url)">"#,
                #"<meta property="og:title" content="\#(title)">"#,
                #"<meta property="og:description" content="\#(Self.escaped(seed.summary))">"#,
                #"<meta property="og:locale" content="en_GB">"#,
                #"<meta name="twitter:card" content="summary">"#,
                #"<meta name="twitter:title" content="\#(title)">"#,
            ] {
                #expect(page.body.contains(tag), "missing \(tag)")
            }
            #expect(!page.body.contains("og:image"))
            #expect(page.body.contains(#"<link rel="alternate" hreflang="x-default" href="\#(url)">"#))
            // Plain links carrying the address and title, and nothing that tracks.
            let encoded = try #require(
                url.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))))
            #expect(page.body.contains("https://t.me/share/url?url=\(encoded)"))
            #expect(!page.body.contains("utm_"))
            #expect(page.body.contains(#"href="\#(TestInstance.seedPath)/flyer""#))

            let flyer = try await browser.get("\(TestInstance.seedPath)/flyer")
            #expect(flyer.status == .ok)
            #expect(flyer.body.contains(#"<p class="address" dir="ltr">\#(url)</p>"#))
            #expect(flyer.body.contains(#"<h1 lang="en" dir="ltr">\#(title)</h1>"#))
            #expect(flyer.body.contains("António Guterres"))
            #expect(try await browser.get("/p/no-such-petition/flyer").status == .notFound)
        }
    }

    @Test(
        "a translated petition with a picture previews each language at its own address, picture included",
        arguments: TestDatabase.all)
    func translatedWithPicture(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("admin@example.org", admin: true)
        try await instance.createAccount("owner@example.org")
        let slug = try await instance.run { browser in
            let slug = try await browser.ownersDraft()
            let manage = "/org/acme/petitions/\(slug)"
            let csrf = try #require(try await browser.get(manage).field("csrf"))
            let uploaded = try await browser.upload(
                "\(manage)/image", fields: [("csrf", csrf), ("alt", "A river at dawn")],
                file: ("image", "river.png", "image/png", TestImages.png(width: 640, height: 480)))
            #expect(uploaded.status == .seeOther)
            let french = [
                ("language", "fr"), ("title", "Rivières propres"), ("summary", "Maintenant & partout."),
                ("body", "Des rivières **propres**."), ("intent", "save"),
            ]
            #expect(try await browser.submit(manage, action: "\(manage)/translation", french).status == .seeOther)
            #expect(try await browser.press("submit", petition: slug, in: "acme").status == .seeOther)
            return slug
        }
        try await instance.moderate(.approve, slug: slug)
        try await instance.run { browser in
            let base = "http://undersigned.test/p/\(slug)"
            let page = try await browser.get("/p/\(slug)?lang=fr")
            #expect(page.body.contains(#"<link rel="canonical" href="\#(base)?lang=fr">"#))
            #expect(page.body.contains(#"<meta property="og:title" content="Rivières propres">"#))
            #expect(page.body.contains(#"<meta property="og:description" content="Maintenant &amp; partout.">"#))
            #expect(page.body.contains(#"<meta property="og:locale" content="fr_FR">"#))
            #expect(page.body.contains(#"<link rel="alternate" hreflang="en" href="\#(base)">"#))
            #expect(page.body.contains(#"<link rel="alternate" hreflang="fr" href="\#(base)?lang=fr">"#))
            #expect(page.body.contains(#"<link rel="alternate" hreflang="x-default" href="\#(base)">"#))
            #expect(page.body.contains(#"<meta name="twitter:card" content="summary_large_image">"#))
            #expect(page.body.contains(#"<meta property="og:image:width" content="640">"#))
            #expect(page.body.contains(#"<meta property="og:image:alt" content="A river at dawn">"#))
            // The picture's address in the tags answers with the picture.
            let image = try #require(
                page.body.firstMatch(of: /<meta property="og:image" content="http:\/\/undersigned\.test([^"]+)">/))
            let picture = try await browser.get(String(image.1).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(picture.status == .ok)
            #expect(picture.headers[.contentType] == "image/png")

            // Another visitor, who has not chosen French.
            let english = try await browser.newVisitor().get("/p/\(slug)")
            #expect(english.body.contains(#"<link rel="canonical" href="\#(base)">"#))
            #expect(english.body.contains(#"<meta property="og:title" content="Clean rivers">"#))
            #expect(english.body.contains(#"href="/p/\#(slug)/flyer""#))
            #expect(page.body.contains(#"href="/p/\#(slug)/flyer?lang=fr""#))

            let flyer = try await browser.get("/p/\(slug)/flyer?lang=fr")
            #expect(flyer.body.contains(#"<html lang="fr" dir="ltr">"#))
            #expect(flyer.body.contains(#"<h1 lang="fr" dir="ltr">Rivières propres</h1>"#))
            #expect(flyer.body.contains(#"<p class="address" dir="ltr">\#(base)?lang=fr</p>"#))
        }
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
