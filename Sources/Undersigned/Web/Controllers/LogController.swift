import Foundation
import Hummingbird

/// The public side of the signature logs: receipts checked against the latest signed tree
/// head (a page and JSON), consistency proofs between heads, and the key heads are signed with.
struct LogController<Context: LanguageRequestContext>: Sendable {
    let catalog: PetitionCatalog
    let logs: any SignatureLogStore
    let heads: TreeHeads
    let key: LogSigningKey.Public
    let presenter: PetitionPresenter

    func addRoutes(
        to site: GroupRouter<SiteRoute, Context>, petitions: GroupRouter<PetitionRoute, Context>,
        api: GroupRouter<APIRoute, Context>
    ) {
        petitions.get(PetitionRoute.receipt, use: receiptPage)
        site.get(.logKey, use: publicKey)
        api.get(APIRoute.receipt, use: receipt)
        api.get(APIRoute.log, use: latestHead)
        api.get(APIRoute.consistency, use: consistency)
    }

    // MARK: Resources

    struct LogResource: Encodable, Sendable {
        var petitionID: String
        var treeHead: PublishedTreeHead?
    }

    struct EntryResource: Codable, Sendable {
        var index: UInt64
        var kind: String
        var recordedAt: Int64
        var leafHash: String
    }

    struct ReceiptResource: Encodable, Sendable {
        var petitionID: String
        var receiptHash: String
        var status: String
        var entries: [EntryResource]
        var treeHead: PublishedTreeHead?
        /// Present when the confirmation is inside `treeHead`: its index and audit path (RFC 9162).
        var auditPath: [String]?
        var leafIndex: UInt64?
    }

    struct ConsistencyResource: Encodable, Sendable {
        var from: UInt64
        var to: UInt64
        var proof: [String]
    }

    struct KeyResource: ResponseCodable, Sendable {
        var algorithm: String
        var keyID: String
        /// The raw 32-byte Ed25519 public key, base64.
        var publicKey: String
    }

    // MARK: Handlers

    @Sendable func receiptPage(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let code = request.uri.queryParameters.get("code") ?? ""
        let interface = context.language(for: petition)
        var view = ReceiptPageView(
            page: presenter.layout(
                title: Translations.bundled[interface].text(.receiptHeading), for: petition, interface: interface),
            petition: try await presenter.petitionView(petition, interface: interface),
            code: code, scriptPath: presenter.pages.receiptScriptPath,
            proofPath: APIRoute.receipt(slug: petition.slug, code: code).path,
            receiptAPIExample: APIRoute.receipt(slug: petition.slug, code: "CODE").path,
            consistencyAPIExample: APIRoute.consistency(slug: petition.slug).path(query: ["from": "A", "to": "B"]))
        let head = try await heads.latest(for: petition.id)
        view.treeHead = head.map { TreeHeadView($0, interface: interface) }
        if !view.code.isEmpty {
            guard view.code.utf8.count <= 64 else { throw AppError.badRequest("A receipt code is 22 characters long.") }
            view.result = ReceiptResultView(
                try await ReceiptCheck.check(code: view.code, petitionID: petition.id, logs: logs, treeHead: head),
                interface: interface)
        }
        return presenter.pages.response(.receipt, view, language: interface, headers: [.xRobotsTag: "noindex"])
    }

    @Sendable func receipt(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        guard let code = context.parameters.get(.code), ReceiptCodes.isWellFormed(code) else {
            throw AppError.badRequest("A receipt code is 22 letters, digits, hyphens and underscores.")
        }
        let check = try await ReceiptCheck.check(
            code: code, petitionID: petition.id, logs: logs, treeHead: try await heads.latest(for: petition.id))
        let confirmation = check.entries.last { $0.entry.kind == .confirmation }
        let resource = ReceiptResource(
            petitionID: petition.id.text, receiptHash: check.receiptHash.hex, status: check.status.rawValue,
            entries: check.entries.map {
                EntryResource(
                    index: $0.position, kind: $0.entry.kind.rawValue, recordedAt: $0.entry.recordedAt.millis,
                    leafHash: $0.entry.leafHash.hex)
            },
            treeHead: check.treeHead.map(PublishedTreeHead.init), auditPath: check.auditPath?.map(\.hex),
            leafIndex: check.auditPath == nil ? nil : confirmation?.position)
        return try CacheableResponse.json(resource, request: request)
    }

    @Sendable func latestHead(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        let resource = LogResource(
            petitionID: petition.id.text, treeHead: try await heads.published(for: petition.id).published)
        return try CacheableResponse.json(resource, request: request)
    }

    @Sendable func consistency(_ request: Request, context: Context) async throws -> Response {
        let petition = try await petition(from: context)
        guard let from = request.uri.queryParameters.get("from", as: UInt64.self),
            let to = request.uri.queryParameters.get("to", as: UInt64.self),
            from <= to
        else { throw AppError.badRequest(.problemTreeSizesDetail) }
        let signed = try await heads.latest(for: petition.id)?.size ?? 0
        guard to <= signed else {
            throw AppError.badRequest(.problemTreeSizeTooLargeDetail, ["size": String(signed)])
        }
        let proof = try await LogProofs(store: logs).consistency(petitionID: petition.id, from: from, to: to)
        return try CacheableResponse.json(
            ConsistencyResource(from: from, to: to, proof: proof.map(\.hex)), request: request)
    }

    @Sendable func publicKey(_ request: Request, context: Context) async throws -> KeyResource {
        KeyResource(algorithm: "Ed25519", keyID: key.id, publicKey: key.key.rawRepresentation.base64EncodedString())
    }

    private func petition(from context: Context) async throws -> Petition {
        guard let slug = context.parameters.get(.slug), let petition = try await catalog.publicPetition(slug: slug)
        else {
            throw AppError.noSuchPetition
        }
        return petition
    }
}
