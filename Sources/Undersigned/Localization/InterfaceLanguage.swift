import Foundation

/// The languages the interface is written in: every page, email and error has its words in
/// `Resources/locales/<code>.json`.
public enum InterfaceLanguage: String, CaseIterable, Sendable, Comparable {
    case en, fr, ar

    /// The language of a tag such as `fr-CA` or `AR`, when the interface has it.
    public init?(tag: some StringProtocol) {
        let primary = tag.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    public var code: String { rawValue }

    var direction: String { self == .ar ? "rtl" : "ltr" }

    /// Its own name, for the switcher.
    var nativeName: String {
        switch self {
        case .en: "English"
        case .fr: "Français"
        case .ar: "العربية"
        }
    }

    /// The `og:locale` of link previews.
    var openGraphLocale: String {
        switch self {
        case .en: "en_GB"
        case .fr: "fr_FR"
        case .ar: "ar_AR"
        }
    }

    /// The first language of an `Accept-Language` header the interface has.
    static func preferred(byHeader header: String?) -> InterfaceLanguage? {
        PetitionLanguage.preferred(header).lazy.compactMap { InterfaceLanguage(tag: $0) }.first
    }

    public static func < (lhs: InterfaceLanguage, rhs: InterfaceLanguage) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
