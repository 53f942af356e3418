import Foundation
import Hummingbird

/// The framework's own ceiling on this machine, for `bench/run`: a Hummingbird server with
/// no middleware that answers `GET /page` with the bytes of FILE, kept in memory, and a form
/// posted to `/p/{slug}/sign` by reading its body and redirecting. Whatever the petition page
/// or signing costs beyond these is the product's; what these cost is the HTTP stack's.
///
///     undersigned-floor FILE PORT
@main
struct Floor {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let port = Int(arguments[2]),
            let page = FileManager.default.contents(atPath: arguments[1])
        else {
            FileHandle.standardError.write(Data("usage: undersigned-floor FILE PORT\n".utf8))
            exit(2)
        }
        let bytes = ByteBuffer(bytes: page)
        let router = Router()
        router.get("page") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: bytes))
        }
        router.post("p/:slug/sign") { request, _ in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Response(status: .seeOther, headers: [.location: "/page"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
