import Foundation
import Hummingbird

/// Signing through one of the site's sign forms, the petition page's or the widget's. The
/// abuse defences come first and cheapest: the client's rate limits before the body is read,
/// the form's token, the proof of work once the form is known to be valid, the mailbox's email
/// limit last. Each form answers the outcome with pages of its own.
struct FormSigning: Sendable {
    let signingGuard: SigningGuard
    let writer: SignatureWriter
    let fingerprinter: EmailFingerprinter
    let sealer: PersonalDataSealer

    enum Outcome {
        /// The petition takes no more signatures.
        case closed(SignatureForm)
        /// The form's token is missing, forged or too old.
        case expiredForm(SignatureForm)
        case invalid(SignatureForm, FormProblems)
        case proofRefused(SignatureForm, SigningGuard.ProofRefusal)
        /// Stored with its confirmation email queued; or, past the mailbox's limit, neither,
        /// which the signer is not told.
        case accepted
    }

    /// - Parameter hasValidToken: whether the submitted fields carry the form's token.
    func submit(
        _ request: Request, context: some RemoteAddressRequestContext, to petition: Petition,
        from source: SignatureSource,
        interface: InterfaceLanguage, hasValidToken: (FormBody) -> Bool
    ) async throws -> Outcome {
        try signingGuard.admit(peer: context.remoteAddress, headers: request.headers)
        let body = try await FormBody.read(request, context: context)
        let form = try body.decode(SignatureForm.self)
        guard petition.acceptsSignatures else { return .closed(form) }
        guard hasValidToken(body) else { return .expiredForm(form) }
        switch form.validated(disposableDomains: signingGuard.disposableDomains, in: Translations.bundled[interface]) {
        case .failure(let errors):
            return .invalid(form, errors)
        case .success(var signing):
            signing.language = interface
            signing.source = source
            let proof = try body.decode(ProofOfWorkForm.self)
            if let refusal = try await signingGuard.redeemProof(
                token: proof.pow, solution: proof.powSolution, for: petition)
            {
                return .proofRefused(form, refusal)
            }
            let job = try SignatureWriter.SigningJob(
                signing, on: petition, fingerprinter: fingerprinter, sealer: sealer, at: writer.clock.now)
            if signingGuard.allowsEmail(to: job.signature.emailFingerprint) {
                _ = try await writer.sign(job)
            }
            return .accepted
        }
    }
}

/// The sign form's proof of work, as its script fills it in.
struct ProofOfWorkForm: Decodable {
    var pow: String?
    var powSolution: String?
}
