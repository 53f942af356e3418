/// What is wrong with a submitted form, field by field, in words for the person who typed it.
public struct FormProblems: Error, Sendable, Equatable {
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

    /// Throws when there is anything to say.
    func check() throws {
        if !isEmpty { throw self }
    }
}
