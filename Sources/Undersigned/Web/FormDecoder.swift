/// Reads a form's fields into a `Decodable` struct: each property is the field of its name,
/// as ``FormBody`` or ``MultipartForm`` read it (the first occurrence of a name wins).
///
/// What a visitor sends never makes decoding fail in any other way than with
/// ``FormProblems``: a field that is missing (for a property that is not optional), or that
/// does not read as its property's type (a number too large, a choice the form does not
/// offer), is a problem of that field. The problems are reported together, not only the
/// first: only a required property of a type of its own, such as a choice, ends the reading
/// at its problem. A form's own `init(from:)` may add problems of its own by throwing them.
enum FormDecoder {
    static func decode<Fields: Decodable>(_ type: Fields.Type, from fields: [String: String]) throws -> Fields {
        let problems = ProblemLog()
        let decoded: Fields
        do {
            decoded = try Fields(from: FieldsDecoder(fields: fields, problems: problems))
        } catch let thrown as FormProblems {
            problems.found.add(thrown)
            throw problems.found
        } catch is UnreadableField {
            throw problems.found
        }
        try problems.found.check()
        return decoded
    }
}

extension FormBody {
    /// The form's fields as `Fields`, or the ``FormProblems`` of those that do not read as it.
    func decode<Fields: Decodable>(_ type: Fields.Type) throws -> Fields {
        try FormDecoder.decode(type, from: fields)
    }
}

extension MultipartForm {
    /// The form's text fields as `Fields`, or the ``FormProblems`` of those that do not read as
    /// it. Files are read apart, from ``files``.
    func decode<Fields: Decodable>(_ type: Fields.Type) throws -> Fields {
        try FormDecoder.decode(type, from: fields)
    }
}

/// A form field named at run time, such as the editor's `target-2-name`.
struct FieldName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

// MARK: Decoding

/// The problems found while one form is decoded, shared by its containers.
private final class ProblemLog {
    var found = FormProblems()

    /// The first problem of a field is the one told.
    func note(_ field: String, _ message: String) {
        if found[field] == nil { found[field] = message }
    }
}

/// Thrown once a field's problem is noted, when no value of its property can stand in for it.
private struct UnreadableField: Error {}

private struct FieldsDecoder: Decoder {
    let fields: [String: String]
    let problems: ProblemLog

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FieldsContainer(fields: fields, problems: problems))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: [], debugDescription: "a form is a set of named fields, not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            String.self, .init(codingPath: [], debugDescription: "a form is a set of named fields, not one value"))
    }
}

/// The form's fields by name. A field that cannot be read is noted with its problem; for a
/// property of a plain type (text, a number, a yes-or-no) a stand-in value is returned so that
/// the fields after it are checked too, and the stand-in never leaves ``FormDecoder``.
private struct FieldsContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: String]
    let problems: ProblemLog

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    /// An absent field is `nil` to an optional property; a field sent empty is the empty text.
    func decodeNil(forKey key: Key) throws -> Bool { fields[key.stringValue] == nil }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        guard let text = fields[key.stringValue] else {
            problems.note(key.stringValue, Self.missing(key))
            return ""
        }
        return text
    }

    /// A checkbox: sent when ticked, absent when not.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        guard let text = fields[key.stringValue] else { return false }
        guard let value = FieldValue.checkbox(text) else {
            problems.note(
                key.stringValue, "The field \u{201C}\(key.stringValue)\u{201D} is a box to tick or leave empty.")
            return false
        }
        return value
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try number(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try number(key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    /// Any other type reads the field's text as its single value: a choice among an enum's raw
    /// values, say.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let text = fields[key.stringValue] else {
            problems.note(key.stringValue, Self.missing(key))
            throw UnreadableField()
        }
        guard let value: T = choice(text, forKey: key) else { throw UnreadableField() }
        return value
    }

    /// An optional one stands in as `nil` when its field does not read.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        fields[key.stringValue].flatMap { choice($0, forKey: key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw DecodingError.typeMismatch(
            [String: Any].self, .init(codingPath: [key], debugDescription: "a form field holds text, not fields"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: [key], debugDescription: "a form field holds text, not a list"))
    }

    /// The same fields, for a type that decodes part of the form itself.
    func superDecoder() throws -> any Decoder { FieldsDecoder(fields: fields, problems: problems) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }

    private func choice<T: Decodable>(_ text: String, forKey key: Key) -> T? {
        do {
            return try T(from: FieldValue(text: text))
        } catch {
            problems.note(
                key.stringValue, "The field \u{201C}\(key.stringValue)\u{201D} is not one of the choices offered.")
            return nil
        }
    }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        guard let text = fields[key.stringValue] else {
            problems.note(key.stringValue, Self.missing(key))
            return 0
        }
        guard let value = T(text) else {
            problems.note(key.stringValue, "The field \u{201C}\(key.stringValue)\u{201D} must be a whole number.")
            return 0
        }
        return value
    }

    private func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ key: Key) throws -> T {
        guard let text = fields[key.stringValue] else {
            problems.note(key.stringValue, Self.missing(key))
            return 0
        }
        guard let value = T(text), value.isFinite else {
            problems.note(key.stringValue, "The field \u{201C}\(key.stringValue)\u{201D} must be a number.")
            return 0
        }
        return value
    }

    private static func missing(_ key: Key) -> String {
        "The field \u{201C}\(key.stringValue)\u{201D} is missing."
    }
}

/// One field's text, read as the single value of a type other than plain text or a number.
private struct FieldValue: Decoder, SingleValueDecodingContainer {
    let text: String

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func checkbox(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "yes", "true", "1": true
        case "", "off", "no", "false", "0": false
        default: nil
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw mismatch([String: Any].self)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw mismatch([Any].self) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }
    func decode(_ type: String.Type) throws -> String { text }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value = Self.checkbox(text) else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double { try number() }
    func decode(_ type: Float.Type) throws -> Float { try number() }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }

    private func integer<T: FixedWidthInteger>() throws -> T {
        guard let value = T(text) else { throw mismatch(T.self) }
        return value
    }

    private func number<T: BinaryFloatingPoint & LosslessStringConvertible>() throws -> T {
        guard let value = T(text), value.isFinite else { throw mismatch(T.self) }
        return value
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: [], debugDescription: "the field's text does not read as \(type)"))
    }
}
