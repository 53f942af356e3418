import Foundation
import Hummingbird

/// A petition's picture. Its address carries a digest of its bytes, so the picture can be
/// cached for good and a new one gets a new address.
struct PetitionImageController<Context: RequestContext>: Sendable {
    let catalog: PetitionCatalog
    let images: any PetitionEditingStore

    func addRoutes(to router: some RouterMethods<Context>) {
        router.get("/p/:slug/image", use: image)
    }

    @Sendable func image(_ request: Request, context: Context) async throws -> Response {
        guard let slug = context.parameters.get("slug"), let petition = try await catalog.petition(slug: slug),
            petition.isPublic, petition.state != .takenDown, let reference = petition.image
        else { throw AppError.notFound("This petition has no picture.") }
        let etag = "\"\(reference.digest)\""
        let versioned = request.uri.queryParameters.get("v") == String(reference.digest.prefix(16))
        var headers: HTTPFields = [
            .eTag: etag,
            .cacheControl: versioned ? "public, max-age=31536000, immutable" : "public, max-age=300",
            // Served as a picture and nothing else, whatever a browser might guess.
            .contentSecurityPolicy: "default-src 'none'; sandbox",
        ]
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        guard let image = try await images.image(petitionID: petition.id), image.digest == reference.digest else {
            // Replaced since the petition was read: the page will link to the new one shortly.
            throw AppError.notFound("This picture has been replaced.")
        }
        headers[.contentType] = image.format.rawValue
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: image.bytes)))
    }
}
