import Foundation
import Hummingbird

/// The CSV of a petition's confirmed signatures, for its organization's owners. It is
/// streamed: each batch of rows goes out as it is read, and the connection's backpressure
/// holds the reading back, so memory stays flat however many signatures there are. When the
/// organization has a public key, the CSV is encrypted to it as it streams, like delivery
/// packages (`undersigned decrypt-package` opens it).
///
/// It is a POST with the form's token, so that a link or a form on another site cannot
/// start an owner's download; a GET answers 405.
struct SignatureExportController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let export: SignatureExport
    let keys: any OrganizationStore
    let forms: AccountPages

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.get(OrganizerRoute.signaturesCSV, use: refuseLink)
        organizers.post(OrganizerRoute.signaturesCSV, use: download)
    }

    /// A link (an old bookmark, or another site's) starts nothing: it says where the button is.
    @Sendable func refuseLink(_ request: Request, context: Context) async throws -> Response {
        throw AppError.exportByLink
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.exportSignatures, request, context)
        _ = try await forms.form(request, context: context)
        let petition = granted.petition
        guard petition.state.hasOpened else {
            throw petition.state == .takenDown ? AppError.takenDownNotDeliverable : AppError.notOpenYet
        }
        let key = try await keys.publicKey(of: granted.organization.organization.id)?.key
        try await export.recordStart(of: petition, by: granted.account, encryptedTo: key)
        let export = self.export
        let logger = context.logger
        let body = ResponseBody { writer in
            do {
                if let key {
                    var stream = try EncryptedPackage.Stream(to: key)
                    try await writer.write(ByteBuffer(bytes: stream.header))
                    try await export.write(petitionID: petition.id) { piece in
                        for record in try stream.append(piece) { try await writer.write(ByteBuffer(bytes: record)) }
                    }
                    try await writer.write(ByteBuffer(bytes: try stream.finish()))
                } else {
                    try await export.write(petitionID: petition.id) { piece in
                        try await writer.write(ByteBuffer(bytes: piece))
                    }
                }
            } catch {
                // The status is sent already: all that can be done is to end the download unfinished.
                logger.warning(
                    "signature export stopped",
                    metadata: ["petition": "\(petition.id)", "error": "\(String(reflecting: error))"])
                throw error
            }
            try await writer.finish(nil)
        }
        let name = "\(petition.slug)-signatures.csv" + (key == nil ? "" : ".\(EncryptedPackage.fileExtension)")
        return Response(
            status: .ok,
            headers: [
                .contentType: key == nil ? "text/csv; charset=utf-8" : "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store", .xRobotsTag: "noindex",
            ],
            body: body)
    }
}
