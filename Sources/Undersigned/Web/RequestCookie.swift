import Hummingbird

extension Request {
    /// The value of the cookie `name`, as `request.cookies[name]?.value` reads it (the first
    /// `name=` among the `Cookie` headers' `;`-separated pairs, leading spaces and tabs dropped), without
    /// building every cookie the browser sent: the forms and the language read one or two of
    /// them on every request.
    func cookie(_ name: String) -> String? {
        let wanted = Array(name.utf8)
        for header in headers[values: .cookie] {
            var utf8 = Substring(header).utf8[...]
            while !utf8.isEmpty {
                let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
                let pair = utf8[..<end].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")), pair[..<equals].elementsEqual(wanted) {
                    return String(Substring(pair[pair.index(after: equals)...]))
                }
                utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
            }
        }
        return nil
    }
}
