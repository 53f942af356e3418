import Foundation

/// What messaging apps and social sites show when a petition's address is pasted: the
/// `og:` and `twitter:` tags, the canonical address of the language shown, and its
/// alternates in the other languages of the petition and of the interface. All addresses
/// are absolute.
struct LinkPreview {
    struct Alternate {
        var lang: String
        var url: String
    }

    var title: String
    var description: String
    /// The address of this language's version: the plain one for the petition's own language.
    var canonicalURL: String
    /// Open Graph's spelling of the page's language: `ar_AR`.
    var locale: String
    var image: ImageView?
    var cardType: String
    /// Every language version, the petition's own as `x-default` too.
    var alternates: [Alternate]

    init(_ petition: Petition, text: PetitionTranslation, baseURL: URL, interface: InterfaceLanguage) {
        let page = PetitionRoute.page(slug: petition.slug)
        func url(of language: String) -> String {
            language == petition.language ? page.url(on: baseURL) : page.url(on: baseURL, query: ["lang": language])
        }
        title = text.title
        description = text.summary
        // The text's language names the version when it is a translation, else the interface's.
        canonicalURL = url(of: text.language == petition.language ? interface.code : text.language)
        locale = interface.openGraphLocale
        image = petition.image.map { reference in
            // The page's own picture, at an absolute address, as previews are read elsewhere.
            var image = ImageView(reference, at: PetitionRoute.image(slug: petition.slug))
            image.url = baseURL.absoluteString + image.url
            return image
        }
        cardType = image == nil ? "summary" : "summary_large_image"
        let interfaceOnly = InterfaceLanguage.allCases.map(\.code).filter { code in
            !petition.languages.contains { InterfaceLanguage(tag: $0)?.code == code }
        }
        alternates =
            (petition.languages + interfaceOnly).map { Alternate(lang: $0, url: url(of: $0)) }
            + [Alternate(lang: "x-default", url: url(of: petition.language))]
    }
}
