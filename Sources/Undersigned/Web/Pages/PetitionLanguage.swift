import Hummingbird

/// Which of a petition's languages a visitor reads it in: the one they picked (`?lang=`), else
/// the interface's, else the first of their browser's languages (`Accept-Language`) that it
/// has, else its own.
enum PetitionLanguage {
    static func chosen(for petition: Petition, request: Request, interface: InterfaceLanguage) -> String {
        // Most petitions have no translation: nothing to read from the request.
        if petition.translations.isEmpty { return petition.language }
        let available = petition.languages
        if let picked = request.uri.queryParameters.get("lang"), available.contains(picked) { return picked }
        if let match = available.first(where: { InterfaceLanguage(tag: $0) == interface }) { return match }
        for wanted in preferred(request.headers[.acceptLanguage]) {
            if let match = available.first(where: { $0 == wanted })
                ?? available.first(where: { primary($0) == primary(wanted) })
            {
                return match
            }
        }
        return petition.language
    }

    /// The tags of an `Accept-Language` header, most wanted first; those with `q=0` dropped.
    static func preferred(_ header: String?) -> [String] {
        guard let header else { return [] }
        let ranked = header.split(separator: ",").prefix(20).enumerated().compactMap {
            index, item -> (tag: String, weight: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty, tag != "*" else { return nil }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return weight > 0 ? (tag, weight, index) : nil
        }
        return ranked.sorted { ($0.weight, -$0.index) > ($1.weight, -$1.index) }.map(\.tag)
    }

    private static func primary(_ tag: String) -> Substring {
        tag.split(separator: "-").first ?? ""
    }

    /// A language's own name, for the switcher.
    static func name(of tag: String) -> String {
        PetitionEditorView.commonLanguages.first { $0.tag == tag }?.name ?? tag
    }
}
