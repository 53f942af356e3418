/// What is wrong with a submitted form, field by field, in words for the person who typed it.
/// Every form has its problems told this way: the checks of its fields, and the domain's
/// refusals of what it asked for (an address already taken, say).
public struct FormProblems: Error, Sendable, Equatable {
    /// Each field's message, by the field's name in the form.
    public private(set) var messages: [String: String] = [:]

    public init() {}

    public init(_ field: String, _ message: String) {
        messages[field] = message
    }

    public subscript(field: String) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }

    public var isEmpty: Bool { messages.isEmpty }

    /// Adds the messages of `other`; a field keeps the message it had.
    mutating func add(_ other: FormProblems) {
        messages.merge(other.messages) { mine, _ in mine }
    }

    /// Throws when there is anything to say.
    func check() throws(FormProblems) {
        if !isEmpty { throw self }
    }
}
