import Hummingbird

extension Request {
    /// The value of the cookie `name`: after the first `name=` among the `;`-separated pairs
    /// of the `Cookie` headers, leading spaces and tabs dropped (RFC 6265's syntax). Only that
    /// pair is read: Hummingbird's `cookies` builds every cookie sent, and the forms and the
    /// language read one or two on every request.
    func cookie(_ name: String) -> String? {
        let wanted = Array(name.utf8)
        for header in headers[values: .cookie] {
            var rest = Substring(header).utf8[...]
            while !rest.isEmpty {
                let end = rest.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
                let pair = rest[..<end].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")), pair[..<equals].elementsEqual(wanted) {
                    return String(Substring(pair[pair.index(after: equals)...]))
                }
                guard end != rest.endIndex else { break }
                rest = rest[rest.index(after: end)...]
            }
        }
        return nil
    }
}
