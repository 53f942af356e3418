import Foundation

/// The emails that tell an organization's members what happened to one of its petitions
/// (``OrganizerNotices`` decides who). Organizer pages are in English, and so are these.
extension AccountMail {
    func organizerNotice(
        _ event: OrganizerEvent, about petition: Petition, of organization: Organization,
        to recipient: OrganizerNotices.Recipient
    ) throws -> QueuedEmail {
        let title = "\u{201C}\(petition.title)\u{201D}"
        let manage = OrganizerRoute.petition(organization: organization.slug, petition: petition.slug)
        let subject: String
        let body: [MailParagraph]
        switch event {
        case .approved:
            subject = "Your petition is open: \(petition.title)"
            body = [
                .text(
                    "A moderator approved \(title), the petition of \(organization.name). It is open for signatures now:"
                ),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: "See the petition"),
            ]
        case .rejected(let reason):
            subject = "Your petition needs changes: \(petition.title)"
            body = [
                .text(
                    "A moderator sent \(title), the petition of \(organization.name), back to draft, with this reason:"),
                .text(reason),
                .text(
                    "Change it and submit it again when it is ready. The reason also shows on the petition's page in the organization:"
                ),
                .link(manage.url(on: baseURL), label: "Open the petition"),
            ]
        case .takenDown(let reason, let date):
            subject = "Your petition was taken down: \(petition.title)"
            body = [
                .text(
                    "A moderator took down \(title), the petition of \(organization.name), on \(Moderation.day(date)). "
                        + "It no longer accepts signatures, and its address shows only its title, the date and this reason:"
                ),
                .text(reason),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: "See what visitors see"),
            ]
        case .translationReviewed(let language, let approved, let reason):
            let languageName = PetitionLanguage.name(of: language)
            subject =
                approved ? "Translation approved: \(petition.title)" : "Translation not approved: \(petition.title)"
            body =
                (approved
                    ? [
                        .text(
                            "A moderator approved the \(languageName) translation of \(title). Visitors can read it now."
                        )
                    ]
                    : [
                        .text(
                            "A moderator did not approve the \(languageName) translation of \(title), with this reason:"
                        ),
                        .text(reason),
                        .text("It was removed. You may write it again, and it will be reviewed again."),
                    ]) + [.link(manage.url(on: baseURL), label: "Open the petition")]
        case .responseAwaitingApproval(let targetName):
            return try responseAwaitsApproval(
                from: targetName, on: petition,
                review: OrganizerRoute.responses(organization: organization.slug, petition: petition.slug),
                to: recipient.address, name: recipient.name, footer: choiceFooter(organization))
        case .goalReached(let goal, let count):
            subject = "Goal reached: \(petition.title)"
            body = [
                .text(
                    "\(title), the petition of \(organization.name), has reached its goal of \(goal.english) signatures: "
                        + "\(count.english) are counted now. "
                        + "Its page shows the next milestone, \(Goal.displayed(count: count, organizerGoal: goal).english)."
                ),
                .link(
                    OrganizerRoute.dashboard(organization: organization.slug, petition: petition.slug).url(on: baseURL),
                    label: "See its figures"),
            ]
        case .deliveryRecorded(let targetName, let channel, let count, let deliveredAt):
            subject = "Delivered to \(targetName): \(petition.title)"
            body = [
                .text(
                    "A delivery of \(title), the petition of \(organization.name), to \(targetName) was recorded: "
                        + "\(channel.label.lowercased()), on \(Moderation.day(deliveredAt)), carrying \(count.english) signatures under a signed tree head."
                ),
                .link(
                    OrganizerRoute.deliveries(organization: organization.slug, petition: petition.slug).url(
                        on: baseURL), label: "See its deliveries"),
            ]
        }
        return try queue(
            to: recipient.address, name: recipient.name, subject: subject,
            paragraphs: [.text("Hello \(recipient.name),")] + body + choiceFooter(organization))
    }

    /// How to choose these emails, and the signature.
    private func choiceFooter(_ organization: Organization) -> [MailParagraph] {
        [
            .text(
                "You receive this as a member of \(organization.name). Choose which of its petitions you hear of on your account page:"
            ),
            .link(AccountRoute.account.url(on: baseURL), label: "Choose your emails"),
            .text("\u{2014} Undersigned"),
        ]
    }
}

extension Int {
    /// Grouped by thousands, as organizers' emails write numbers: 12,345.
    fileprivate var english: String { InterfaceLanguage.en.number(self) }
}
