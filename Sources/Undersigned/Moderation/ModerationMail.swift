import Foundation

/// The emails that tell an organization's owners what a moderator decided about one of its
/// petitions.
extension AccountMail {
    func petitionApproved(_ petition: Petition, of organization: Organization, to owner: Moderation.Owner) throws
        -> QueuedEmail
    {
        try queue(
            to: owner.address, name: owner.name, subject: "Your petition is open: \(petition.title)",
            paragraphs: [
                .text("Hello \(owner.name),"),
                .text(
                    "A moderator approved \u{201C}\(petition.title)\u{201D}, the petition of \(organization.name). It is open for signatures now:"
                ),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: "See the petition"),
                .text("\u{2014} Undersigned"),
            ])
    }

    func petitionRejected(
        _ petition: Petition, of organization: Organization, reason: String, to owner: Moderation.Owner
    ) throws -> QueuedEmail {
        try queue(
            to: owner.address, name: owner.name, subject: "Your petition needs changes: \(petition.title)",
            paragraphs: [
                .text("Hello \(owner.name),"),
                .text(
                    "A moderator sent \u{201C}\(petition.title)\u{201D}, the petition of \(organization.name), back to draft, with this reason:"
                ),
                .text(reason),
                .text(
                    "Change it and submit it again when it is ready. The reason also shows on the petition's page in the organization:"
                ),
                .link(
                    OrganizerRoute.petition(organization: organization.slug, petition: petition.slug).url(on: baseURL),
                    label: "Open the petition"),
                .text("\u{2014} Undersigned"),
            ])
    }

    func petitionTakenDown(
        _ petition: Petition, of organization: Organization, reason: String, at date: Date, to owner: Moderation.Owner
    ) throws -> QueuedEmail {
        try queue(
            to: owner.address, name: owner.name, subject: "Your petition was taken down: \(petition.title)",
            paragraphs: [
                .text("Hello \(owner.name),"),
                .text(
                    "A moderator took down \u{201C}\(petition.title)\u{201D}, the petition of \(organization.name), on \(Moderation.day(date)). "
                        + "It no longer accepts signatures, and its address shows only its title, the date and this reason:"
                ),
                .text(reason),
                .link(PetitionRoute.page(slug: petition.slug).url(on: baseURL), label: "See what visitors see"),
                .text("\u{2014} Undersigned"),
            ])
    }

    func translationReviewed(
        _ petition: Petition, language: String, of organization: Organization, approved: Bool, reason: String,
        to owner: Moderation.Owner
    ) throws -> QueuedEmail {
        let languageName = PetitionLanguage.name(of: language)
        let decision: [MailParagraph] =
            approved
            ? [
                .text(
                    "A moderator approved the \(languageName) translation of \u{201C}\(petition.title)\u{201D}. Visitors can read it now."
                )
            ]
            : [
                .text(
                    "A moderator did not approve the \(languageName) translation of \u{201C}\(petition.title)\u{201D}, with this reason:"
                ),
                .text(reason),
                .text("It was removed. You may write it again, and it will be reviewed again."),
            ]
        return try queue(
            to: owner.address, name: owner.name,
            subject: approved
                ? "Translation approved: \(petition.title)" : "Translation not approved: \(petition.title)",
            paragraphs: [.text("Hello \(owner.name),")] + decision + [
                .link(
                    OrganizerRoute.petition(organization: organization.slug, petition: petition.slug).url(on: baseURL),
                    label: "Open the petition"),
                .text("\u{2014} Undersigned"),
            ])
    }
}
