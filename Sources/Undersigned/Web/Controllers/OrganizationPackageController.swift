import Foundation
import Hummingbird

/// The delivery package of one of the organization's petitions, downloaded from its page.
/// It names signers, so only those who may export signatures get it (owners, and instance
/// admins); each download is audited, and the package is encrypted to the organization's
/// public key when it has one.
struct OrganizationPackageController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let exports: PackageExports
    let forms: AccountPages

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>) {
        organizers.post(OrganizerRoute.package, use: download)
    }

    /// A POST with the form's token, so that a link from elsewhere cannot make anyone export.
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.exportSignatures, request, context)
        _ = try await forms.form(request, context: context)
        let petition = granted.petition
        guard petition.state.hasOpened else {
            throw petition.state == .takenDown ? AppError.takenDownNotDeliverable : AppError.notOpenYet
        }
        let (file, export) = try await PackageDownload.build {
            try await exports.export(petition, by: granted.account.id, zipTo: $0)
        }
        return try PackageDownload.response(
            streaming: file, fileName: "\(petition.slug)-delivery.zip", encryptingTo: export.key)
    }
}
