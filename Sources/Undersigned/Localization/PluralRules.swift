/// CLDR's plural categories: a translation of a phrase with a number has one form for each
/// category its language uses, and always `other`.
enum PluralCategory: String, CaseIterable, Sendable {
    case zero, one, two, few, many, other
}

extension InterfaceLanguage {
    /// CLDR's cardinal rules for whole numbers (unicode.org/cldr, plurals.xml).
    func pluralCategory(of number: Int) -> PluralCategory {
        let n = number.magnitude
        switch self {
        case .en:
            return n == 1 ? .one : .other
        case .fr:
            if n <= 1 { return .one }
            return n % 1_000_000 == 0 ? .many : .other
        case .ar:
            switch n {
            case 0: return .zero
            case 1: return .one
            case 2: return .two
            default:
                switch n % 100 {
                case 3...10: return .few
                case 11...99: return .many
                default: return .other
                }
            }
        }
    }

    /// The categories a complete translation of a counted phrase has.
    var pluralCategories: [PluralCategory] {
        switch self {
        case .en: [.one, .other]
        case .fr: [.one, .many, .other]
        case .ar: [.zero, .one, .two, .few, .many, .other]
        }
    }
}
