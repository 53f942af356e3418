import Foundation
import Hummingbird

/// A petition's picture. Its public address carries a digest of its bytes, so the picture
/// can be cached for good and a new one gets a new address. Before the petition is public,
/// its organization's members and the moderators see the picture at addresses of their own,
/// so nothing goes public unseen.
struct PetitionImageController<Context: LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let images: any PetitionEditingStore

    func addRoutes(to petitions: GroupRouter<PetitionRoute, Context>) {
        petitions.get(PetitionRoute.image, use: image)
    }

    @Sendable func image(_ request: Request, context: Context) async throws -> Response {
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.petition(slug: slug),
            petition.isPublic, petition.state != .takenDown
        else { throw AppError.noPicture }
        let versioned = request.uri.queryParameters.get("v") == petition.image.map { String($0.digest.prefix(16)) }
        return try await Self.response(
            for: petition, from: images, request: request,
            cacheControl: versioned ? "public, max-age=31536000, immutable" : "public, max-age=300",
            language: context.language(for: petition))
    }

    /// The picture of `petition` with its validators, or 304 when the browser has it; a
    /// problem is said in `language`.
    static func response(
        for petition: Petition, from images: any PetitionEditingStore, request: Request, cacheControl: String,
        language: InterfaceLanguage
    ) async throws -> Response {
        guard let reference = petition.image else { throw AppError.noPicture }
        let etag = "\"\(reference.digest)\""
        var headers: HTTPFields = [
            .eTag: etag,
            .cacheControl: cacheControl,
            // Served as a picture and nothing else, whatever a browser might guess.
            .contentSecurityPolicy: "default-src 'none'; sandbox",
        ]
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        guard let image = try await images.image(petitionID: petition.id), image.digest == reference.digest else {
            // Replaced since the petition was read: the page will link to the new one shortly.
            throw AppError.notFound(Translations.bundled[language].text(.manageImageErrorReplaced))
        }
        headers[.contentType] = image.format.rawValue
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: image.bytes)))
    }
}

/// The picture as members of the petition's organization and moderators see it, in every
/// state: private to them, never cached by anyone else.
struct PetitionPreviewImageController: Sendable {
    typealias Context = AppRequestContext

    let access: PetitionAccess
    let petitions: any PetitionStore
    let images: any PetitionEditingStore

    func addRoutes(to organizers: GroupRouter<OrganizerRoute, Context>, admin: GroupRouter<AdminRoute, Context>) {
        organizers.get(OrganizerRoute.image, use: forMembers)
        admin.get(AdminRoute.image, use: forModerators)
    }

    @Sendable func forMembers(_ request: Request, context: Context) async throws -> Response {
        let granted = try await access.authorize(.viewPetitions, request, context)
        return try await PetitionImageController<Context>.response(
            for: granted.petition, from: images, request: request, cacheControl: "private, no-cache",
            language: context.language())
    }

    @Sendable func forModerators(_ request: Request, context: Context) async throws -> Response {
        _ = try OrganizationAccess.requireAdmin(.moderatePetitions, request, context)
        guard let slug = context.parameters.get(.petition), PetitionCatalog.isPlausibleSlug(slug),
            let petition = try await petitions.petition(slug: slug)
        else { throw AppError.noSuchPetition }
        return try await PetitionImageController<Context>.response(
            for: petition, from: images, request: request, cacheControl: "private, no-cache",
            language: context.language())
    }
}
