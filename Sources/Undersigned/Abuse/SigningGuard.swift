import Foundation
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle

/// The abuse defences of the sign form, in the order a request meets them: limits per
/// client address, the proof of work, limits on email per mailbox. None of them stores or
/// logs an address.
struct SigningGuard: Sendable {
    /// A challenge as the form carries it.
    struct FormChallenge: Sendable {
        var token: String
        var difficulty: Int
    }

    /// Why a proof of work was not accepted; each has words for the signer.
    enum ProofRefusal: Sendable, Equatable {
        case needsScript, expired, outdated, invalid, replayed

        func notice(in words: Translation) -> String {
            switch self {
            case .needsScript: words.text(.signProofNeedsScript)
            case .expired: words.text(.signProofExpired)
            case .outdated: words.text(.signProofOutdated)
            case .invalid, .replayed: words.text(.signProofInvalid)
            }
        }
    }

    /// A challenge a little easier than the current difficulty (16 times less work) is still
    /// accepted, so a form opened just before a flood need not be solved again.
    static let difficultySlack = 4

    let clock: WallClock
    let trustForwardedFor: Bool
    let pressure: SigningPressure
    let addressKeys: DailyAddressKeys
    let addressLimits: RateLimiter
    let sharedLimits: SharedRateCounts?
    let emailLimits: RateLimiter
    /// A partner site sends many people's signatures from its one server: its limits are its
    /// key's, `partnerAllowance` times a visitor's.
    let partnerLimits: RateLimiter
    let proofOfWork: ProofOfWork
    let redeemed: RedeemedChallenges
    let disposableDomains: DisposableDomains

    /// The defences as configured. On a database shared by instances, redeemed challenges
    /// and coarse rate buckets go through it.
    init(
        settings: Settings, disposableDomains: DisposableDomains, secret: ServerSecret, store: any AbuseStore,
        clock: WallClock,
        logger: Logger
    ) {
        let signWindows = [
            RateLimiter.Window(limit: settings.signsPerMinute, period: 60),
            RateLimiter.Window(limit: settings.signsPerHour, period: 3600),
        ]
        self.clock = clock
        trustForwardedFor = settings.trustForwardedFor
        // Operators see a flood begin and end; the log says how hard and how busy, nothing of whom.
        pressure = SigningPressure(
            calmRatePerMinute: settings.proofOfWorkCalmRate, maximumDifficulty: settings.proofOfWorkMaximumBits,
            changed: { difficulty, requests in
                logger.notice(
                    "proof of work on signing changed",
                    metadata: ["bits": "\(difficulty)", "signRequestsInLastMinute": "\(requests)"])
            })
        addressKeys = DailyAddressKeys()
        addressLimits = RateLimiter(windows: signWindows)
        partnerLimits = RateLimiter(
            windows: signWindows.map {
                RateLimiter.Window(
                    limit: min($0.limit, Int.max / Self.partnerAllowance) * Self.partnerAllowance, period: $0.period)
            })
        sharedLimits =
            store.isShared
            ? SharedRateCounts(
                store: store, buckets: SharedBuckets(rootKey: secret.key(for: .rateBuckets)), windows: signWindows,
                clock: clock, logger: logger)
            : nil
        emailLimits = RateLimiter(
            windows: [RateLimiter.Window(limit: settings.emailsPerHour, period: 3600)],
            maximumKeys: Self.mailboxesRemembered)
        proofOfWork = ProofOfWork(key: secret.key(for: .proofOfWork))
        redeemed = RedeemedChallenges(store: store.isShared ? store : nil, logger: logger)
        self.disposableDomains = disposableDomains
    }

    /// What runs beside the server: the batched recording of redeemed challenges, and the
    /// sync of shared rate buckets.
    var services: [any Service] {
        [redeemed] + (sharedLimits.map { [$0] } ?? [])
    }

    /// Applies the limits of the request's client address (over a limit, throws
    /// ``RateLimited`` with the time to wait), then counts it towards the current difficulty. Requests refused here
    /// are not counted: one address hammering the form would otherwise make everyone solve
    /// a harder proof, and its own limit already holds it back.
    func admit(peer: SocketAddress?, headers: HTTPFields) throws {
        let now = clock.now
        let address = ClientAddress.of(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor)
        if case .refused(let seconds) = addressLimits.take(addressKeys.key(for: address, at: now), at: now) {
            throw RateLimited.signing(retryAfterSeconds: seconds)
        }
        if let sharedLimits, case .refused(let seconds) = sharedLimits.take(address, at: now) {
            throw RateLimited.signing(retryAfterSeconds: seconds)
        }
        pressure.record(at: now)
    }

    static let partnerAllowance = 20

    /// A mailbox's count lasts up to an hour, and a spike of new signers fills the table within
    /// seconds, so it is bounded: 98,304 mailboxes in 16 tables of 8,192 slots, 3 MB. Twice as
    /// many took twice the memory, and the tables' doubling on the way held both sizes at once:
    /// the server's peak went from 62–63 to 65–66 MB past 100,000 signers. The mailboxes
    /// forgotten are those nearest a full allowance again, which may then ask for all of it.
    static let mailboxesRemembered = 100_000

    /// Applies the limits of a partner's key, then counts the signature towards the current
    /// difficulty of the public form, as a visitor's would be.
    func admit(partnerKey: UUID) throws {
        let now = clock.now
        let key = Key128(withUnsafeBytes(of: partnerKey.uuid) { Array($0) })
        if case .refused(let seconds) = partnerLimits.take(key, at: now) {
            throw RateLimited.signing(retryAfterSeconds: seconds)
        }
        pressure.record(at: now)
    }

    /// Whether the sign form asks for no proof of work now.
    var isCalm: Bool {
        pressure.difficulty(at: clock.now) == 0
    }

    /// A new challenge for the sign form, as hard as the current pressure asks.
    func challenge(for petition: Petition) -> FormChallenge {
        let now = clock.now
        let difficulty = pressure.difficulty(at: now)
        // While calm no challenge: one without difficulty would be refused as outdated once one is asked.
        guard difficulty > 0 else { return FormChallenge(token: "", difficulty: 0) }
        return FormChallenge(
            token: proofOfWork.issue(for: petition.id, difficulty: difficulty, now: now), difficulty: difficulty)
    }

    /// Checks and uses up the form's proof of work; `nil` when the signature may go ahead.
    /// When calm no proof is needed, and whatever the form carries is ignored.
    func redeemProof(token: String?, solution: String?, for petition: Petition) async throws -> ProofRefusal? {
        let now = clock.now
        let required = pressure.difficulty(at: now)
        guard required > 0 else { return nil }
        guard let token, !token.isEmpty, let solution, !solution.isEmpty else { return .needsScript }
        switch proofOfWork.verify(token: token, solution: solution, petitionID: petition.id, now: now) {
        case .expired:
            return .expired
        case .invalid:
            return .invalid
        case .solved(let challenge):
            guard challenge.difficulty >= required - Self.difficultySlack else { return .outdated }
            return try await redeemed.redeem(challenge, now: now) ? nil : .replayed
        }
    }

    /// Whether the mailbox behind `fingerprint` may be sent another email about signing.
    /// Past the limit the signer sees the same page, so nothing is revealed, but no email goes.
    func allowsEmail(to fingerprint: [UInt8]) -> Bool {
        let now = clock.now
        return emailLimits.take(Key128(fingerprint), at: now) == .allowed
    }
}
