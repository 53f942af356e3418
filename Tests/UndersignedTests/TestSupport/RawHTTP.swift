import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bare HTTP/1.1 request over a loopback socket, to see a response as it travels: its head as
/// sent and each chunk of a chunked body as the server wrote it, which test clients hide
/// by collecting the body.
enum RawHTTP {
    struct Response {
        var head: String
        var chunks: [Data]

        var body: Data { chunks.reduce(into: Data()) { $0 += $1 } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Blocking socket calls run on a thread of their own, not on the concurrency pool that
    /// the server under test needs.
    static func get(port: Int, path: String, headers: [String: String] = [:]) async throws -> Response {
        try await request(port: port, head: "GET \(path) HTTP/1.1", headers: headers, body: "")
    }

    /// A URL-encoded form, as a browser posts it.
    static func post(port: Int, path: String, form: String, headers: [String: String] = [:]) async throws -> Response {
        let formHeaders = [
            "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(form.utf8.count),
        ]
        return try await request(
            port: port, head: "POST \(path) HTTP/1.1", headers: headers.merging(formHeaders) { $1 }, body: form)
    }

    /// Opens `path` and reads what arrives, as text with chunk sizes left in, until `enough`
    /// says so or `timeout` passes; then hangs up, as a browser leaving the page does.
    static func stream(
        port: Int, path: String, timeout: TimeInterval = 90, until enough: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        try await stream(
            port: port, raw: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", timeout: timeout, until: enough)
    }

    /// Sends `raw` as it is, in one write, and reads as ``stream(port:path:timeout:until:)`` does,
    /// or until the server closes the connection.
    static func stream(
        port: Int, raw: String, timeout: TimeInterval = 90, until enough: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let descriptor = try connectToLocalhost(port: port)
                        defer { close(descriptor) }
                        let request = Array(raw.utf8)
                        guard send(descriptor, request, request.count, 0) == request.count else {
                            throw Failure(description: "cannot send the request")
                        }
                        var received = Data()
                        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                        let deadline = Date().addingTimeInterval(timeout)
                        while !enough(String(decoding: received, as: UTF8.self)), Date() < deadline {
                            let count = recv(descriptor, &buffer, buffer.count, 0)
                            if count <= 0 { break }
                            received.append(contentsOf: buffer[0..<count])
                        }
                        return String(decoding: received, as: UTF8.self)
                    })
            }
        }
    }

    /// A connection that asks for `path` once, reads the answer's status line and stays open,
    /// idle, as a browser keeps one, until it is closed.
    final class KeptConnection: Sendable {
        let status: String
        private let descriptor: Int32

        init(port: Int, path: String) async throws {
            (descriptor, status) = try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(
                        with: Result {
                            let descriptor = try RawHTTP.connectToLocalhost(port: port)
                            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
                            var received = Data()
                            var buffer = [UInt8](repeating: 0, count: 4096)
                            if send(descriptor, request, request.count, 0) == request.count {
                                while !received.contains(UInt8(ascii: "\n")) {
                                    let count = recv(descriptor, &buffer, buffer.count, 0)
                                    if count <= 0 { break }
                                    received.append(contentsOf: buffer[0..<count])
                                }
                            }
                            let line = String(decoding: received, as: UTF8.self).split(separator: "\r\n").first
                            guard let line else {
                                close(descriptor)
                                throw Failure(description: "no answer on a kept connection")
                            }
                            return (descriptor, String(line))
                        })
                }
            }
        }

        func hangUp() {
            close(descriptor)
        }
    }

    private static func request(port: Int, head: String, headers: [String: String], body: String) async throws
        -> Response
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try blockingSend(port: port, head: head, headers: headers, body: body) })
            }
        }
    }

    private static func blockingSend(port: Int, head: String, headers: [String: String], body: String) throws
        -> Response
    {
        let descriptor = try connectToLocalhost(port: port)
        defer { close(descriptor) }
        let request =
            ([head, "Host: 127.0.0.1", "Connection: close"] + headers.map { "\($0.key): \($0.value)" })
            .joined(separator: "\r\n") + "\r\n\r\n" + body
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, 0) == bytes.count else {
            throw Failure(description: "cannot send the request")
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 { throw Failure(description: "timed out reading the response") }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try parse(received)
    }

    /// The test server listens on "localhost", which may be IPv4 or IPv6: each is tried.
    private static func connectToLocalhost(port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &found) == 0, let first = found else {
            throw Failure(description: "cannot resolve localhost")
        }
        defer { freeaddrinfo(first) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if descriptor >= 0 {
                var timeout = timeval(tv_sec: 60, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return descriptor }
                close(descriptor)
            }
            candidate = address.pointee.ai_next
        }
        throw Failure(description: "cannot connect to port \(port)")
    }

    private static func parse(_ data: Data) throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = data.range(of: separator) else { throw Failure(description: "no end of head") }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
        var rest = data[end.upperBound...]
        guard head.lowercased().contains("transfer-encoding: chunked") else {
            return Response(head: head, chunks: [Data(rest)])
        }
        var chunks: [Data] = []
        while true {
            guard let line = rest.range(of: Data("\r\n".utf8)),
                let size = Int(
                    String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw Failure(description: "a malformed chunk") }
            if size == 0 { return Response(head: head, chunks: chunks) }
            let start = line.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else {
                throw Failure(description: "a chunk cut short")
            }
            let stop = rest.index(start, offsetBy: size)
            chunks.append(Data(rest[start..<stop]))
            rest = rest[rest.index(stop, offsetBy: 2)...]
        }
    }
}
