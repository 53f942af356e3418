import Mustache

/// A translation as templates read it: `{{t.petition.sign_heading}}` is the text of the key
/// `petition.sign_heading`. A key no catalog has shows as itself in braces, which the catalog
/// tests forbid.
struct TemplateText: MustacheParent, CustomStringConvertible {
    let translation: Translation
    let prefix: String

    func child(named name: String) -> Any? {
        let key = prefix + name
        if translation.has(key) { return translation.text(key) }
        return TemplateText(translation: translation, prefix: key + ".")
    }

    var description: String { "{\(prefix.dropLast())}" }
}

/// What a template is rendered with: the page's view, and `t`, the words of its language.
struct PageRendering: MustacheParent {
    let view: Any
    let text: TemplateText

    init(_ view: Any, language: InterfaceLanguage) {
        self.view = view
        text = TemplateText(translation: Translations.bundled[language], prefix: "")
    }

    func child(named name: String) -> Any? {
        if name == "t" { return text }
        guard let value = Mirror(reflecting: view).children.first(where: { $0.label == name })?.value else {
            return nil
        }
        // An optional's absence is no value, as the templates expect of every view.
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}
