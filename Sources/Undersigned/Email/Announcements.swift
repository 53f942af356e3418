import Foundation
import Logging
import ServiceLifecycle

extension Announcement {
    /// The subject's own part, before the petition's title, in `words`' language.
    func subjectLine(in words: Translation) -> String {
        switch lead {
        case .response(let target): words.text(.emailNewsResponseSubject, ["target": target])
        case .update, nil: subject
        }
    }

    /// The email's paragraphs after the greeting: who speaks, in `words`' language, then what
    /// they said.
    func paragraphs(in words: Translation) -> [String] {
        let leadSentence: String? =
            switch lead {
            case .update(let organizer): words.text(.emailNewsUpdateLead, ["organizer": organizer])
            case .response(let target): words.text(.emailNewsResponseLead, ["target": target])
            case nil: nil
            }
        return [leadSentence].compactMap { $0 }
            + body.components(separatedBy: "\n\n").map { $0.trimmed() }
    }
}

/// One of the signers an announcement goes to.
public struct AnnouncementRecipient: Sendable {
    public var signatureID: UUID
    public var sealedPersonalData: [UInt8]
}

public protocol AnnouncementStore: Sendable {
    func unfinishedAnnouncements() async throws -> [Announcement]
    /// In one transaction, holding the announcement so that no other instance sends the same
    /// page: reads the next `limit` confirmed signers who asked for news, queues the emails
    /// `compose` writes for them and moves the announcement past them, or finishes it when
    /// none are left. Returns how many were queued.
    func sendNextPage(
        of announcement: Announcement, limit: Int, at now: Date,
        compose: @Sendable ([AnnouncementRecipient]) throws -> [QueuedEmail]
    ) async throws -> Int
    /// Stops news for this signature, news already queued for it included; returns whether it
    /// was on.
    func unsubscribe(signatureID: UUID) async throws -> Bool
}

/// Emails announcements (a target's response, an organizer's update) to the signers who asked
/// for news, a page at a time, so a petition of millions is told without holding them all.
public struct AnnouncementWorker: Service {
    let store: any AnnouncementStore
    let petitions: @Sendable (UUID) async throws -> Petition?
    let mailer: SignerMail
    let logger: Logger
    let interval: Duration
    let wakeOutbox: @Sendable () -> Void

    public init(
        store: any AnnouncementStore, petitions: @escaping @Sendable (UUID) async throws -> Petition?,
        mailer: SignerMail, logger: Logger,
        interval: Duration = .seconds(2), wakeOutbox: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.petitions = petitions
        self.mailer = mailer
        self.logger = logger
        self.interval = interval
        self.wakeOutbox = wakeOutbox
    }

    /// Sends every unfinished announcement to the end.
    public func sendAll(pageSize: Int = 500) async throws {
        for announcement in try await store.unfinishedAnnouncements() {
            guard let petition = try await petitions(announcement.petitionID) else { continue }
            let mailer = self.mailer
            while true {
                let queued = try await store.sendNextPage(of: announcement, limit: pageSize, at: mailer.clock.now) {
                    recipients in
                    try recipients.map { recipient in
                        let signer = try mailer.sealer.open(
                            PersonalData.self, from: recipient.sealedPersonalData, in: .signature(recipient.signatureID)
                        )
                        return try mailer.announcement(
                            announcement, petition: petition, signatureID: recipient.signatureID, signer: signer)
                    }
                }
                if queued == 0 { break }
                wakeOutbox()
            }
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                try await sendAll()
            } catch {
                logger.error("cannot send announcements", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
