import Foundation
import Hummingbird

/// The CSV of a petition's confirmed signatures, for its organization's owners. It is
/// streamed: each batch of rows goes out as it is read, and the connection's backpressure
/// holds the reading back, so memory stays flat however many signatures there are.
struct SignatureExportController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let export: SignatureExport

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/org/:slug/petitions/:petition/export.csv", use: download)
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.exportSignatures, request, context)
        let petition = granted.petition
        try await export.recordStart(of: petition, by: granted.account)
        let export = self.export
        let logger = context.logger
        let body = ResponseBody { writer in
            do {
                try await export.write(petitionID: petition.id) { piece in
                    try await writer.write(ByteBuffer(bytes: piece))
                }
            } catch {
                // The status is sent already: all that can be done is to end the download unfinished.
                logger.warning("signature export stopped", metadata: ["petition": "\(petition.id)", "error": "\(String(reflecting: error))"])
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(petition.slug)-signatures.csv\"",
                .cacheControl: "no-store", .xRobotsTag: "noindex",
            ],
            body: body)
    }
}
