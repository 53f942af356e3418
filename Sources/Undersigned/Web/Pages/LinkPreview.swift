import Foundation

/// What messaging apps and social sites show when a petition's address is pasted: the
/// `og:` and `twitter:` tags, the canonical address of the language shown, and its
/// alternates in the petition's other languages. All addresses are absolute.
struct LinkPreview {
    struct Alternate {
        var lang: String
        var url: String
    }

    var title: String
    var description: String
    /// The address of this language's version: the plain one for the petition's own language.
    var canonicalURL: String
    /// `ar_SY` for `ar-SY`: Open Graph's spelling.
    var locale: String
    var image: ImageView?
    var cardType: String
    /// Every language version, the petition's own as `x-default` too; empty without translations.
    var alternates: [Alternate]
    var hasAlternates: Bool

    init(_ petition: Petition, text: PetitionTranslation, baseURL: URL) {
        let page = PetitionRoute.page(slug: petition.slug)
        func url(of language: String) -> String {
            language == petition.language ? page.url(on: baseURL) : page.url(on: baseURL, query: ["lang": language])
        }
        title = text.title
        description = text.summary
        canonicalURL = url(of: text.language)
        locale = text.language.replacingOccurrences(of: "-", with: "_")
        image = petition.image.map { reference in
            // The page's own picture, at an absolute address, as previews are read elsewhere.
            var image = ImageView(reference, at: PetitionRoute.image(slug: petition.slug))
            image.url = baseURL.absoluteString + image.url
            return image
        }
        cardType = image == nil ? "summary" : "summary_large_image"
        alternates =
            petition.translations.isEmpty
            ? []
            : petition.languages.map { Alternate(lang: $0, url: url(of: $0)) }
                + [Alternate(lang: "x-default", url: url(of: petition.language))]
        hasAlternates = !alternates.isEmpty
    }
}
