import Foundation
import NIOCore
import PostgresNIO

/// A column of a batch bound as one PostgreSQL array (``BatchRows``), in the array's binary
/// form. PostgresNIO encodes arrays of values but not of optional ones, which some columns are.
struct PostgresArray: Encodable, Sendable, PostgresDynamicTypeEncodable {
    let column: BatchRows.Column

    init(_ column: BatchRows.Column) {
        self.column = column
    }

    var psqlType: PostgresDataType {
        switch column {
        case .text: .textArray
        case .bytes: .byteaArray
        case .integers: .int8Array
        case .booleans: .boolArray
        }
    }

    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        switch column {
        case .text(let values): Self.write(values, of: .text, into: &buffer) { $1.writeString($0) }
        case .bytes(let values): Self.write(values, of: .bytea, into: &buffer) { $1.writeBytes($0) }
        case .integers(let values): Self.write(values, of: .int8, into: &buffer) { $1.writeInteger($0) }
        case .booleans(let values):
            Self.write(values.map(Optional.some), of: .bool, into: &buffer) {
                $1.writeInteger($0 ? 1 : 0, as: UInt8.self)
            }
        }
    }

    /// PostgreSQL's binary array: its dimensions, whether it holds nulls, its elements' type,
    /// each dimension's length and lower bound, then each element's length and bytes (a
    /// length of -1 for a null).
    private static func write<Element>(
        _ values: [Element?], of type: PostgresDataType, into buffer: inout ByteBuffer,
        element: (Element, inout ByteBuffer) -> Void
    ) {
        guard !values.isEmpty else {
            buffer.writeInteger(0, as: Int32.self)
            buffer.writeInteger(0, as: Int32.self)
            buffer.writeInteger(type.rawValue)
            return
        }
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(values.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(Int32(clamping: values.count))
        buffer.writeInteger(1, as: Int32.self)
        for value in values {
            guard let value else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            element(value, &buffer)
            buffer.setInteger(Int32(clamping: buffer.writerIndex - lengthAt - 4), at: lengthAt)
        }
    }

    /// The values one by one, as any other database would take them.
    func encode(to encoder: any Encoder) throws {
        switch column {
        case .text(let values): try values.encode(to: encoder)
        case .bytes(let values): try values.encode(to: encoder)
        case .integers(let values): try values.encode(to: encoder)
        case .booleans(let values): try values.encode(to: encoder)
        }
    }
}
