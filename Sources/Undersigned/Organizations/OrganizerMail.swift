import Foundation

/// The emails that tell an organization's members what happened to one of its petitions
/// (``OrganizerNotices`` decides who), each in the language its recipient's account chose.
extension AccountMail {
    func organizerNotice(
        _ event: OrganizerEvent, about petition: Petition, of organization: Organization,
        to recipient: OrganizerNotices.Recipient
    ) throws -> QueuedEmail {
        let words = Translations.bundled[recipient.language]
        let names = ["title": petition.title, "organization": organization.name]
        let manage = OrganizerRoute.petition(organization: organization.slug, petition: petition.slug)
        let subject: String
        let body: [MailParagraph]
        switch event {
        case .approved:
            subject = words.text(.emailOrganizerApprovedSubject, names)
            body = [
                .text(words.text(.emailOrganizerApprovedBody, names)),
                .link(
                    PetitionRoute.page(slug: petition.slug).url(on: baseURL),
                    label: words.text(.emailOrganizerApprovedLink)),
            ]
        case .rejected(let reason):
            subject = words.text(.emailOrganizerRejectedSubject, names)
            body = [
                .text(words.text(.emailOrganizerRejectedBody, names)),
                .text(reason),
                .text(words.text(.emailOrganizerRejectedNext)),
                .link(manage.url(on: baseURL), label: words.text(.emailOrganizerOpenPetition)),
            ]
        case .takenDown(let reason, let date):
            subject = words.text(.emailOrganizerTakenDownSubject, names)
            body = [
                .text(
                    words.text(
                        .emailOrganizerTakenDownBody, names.merging(["date": words.language.date(date)]) { $1 })),
                .text(reason),
                .link(
                    PetitionRoute.page(slug: petition.slug).url(on: baseURL),
                    label: words.text(.emailOrganizerTakenDownLink)),
            ]
        case .translationReviewed(let language, let approved, let reason):
            let values = names.merging(["language": PetitionLanguage.name(of: language)]) { $1 }
            subject = words.text(
                approved ? .emailOrganizerTranslationApprovedSubject : .emailOrganizerTranslationRejectedSubject,
                names)
            body =
                (approved
                    ? [.text(words.text(.emailOrganizerTranslationApproved, values))]
                    : [
                        .text(words.text(.emailOrganizerTranslationRejected, values)),
                        .text(reason),
                        .text(words.text(.emailOrganizerTranslationRemoved)),
                    ]) + [.link(manage.url(on: baseURL), label: words.text(.emailOrganizerOpenPetition))]
        case .responseAwaitingApproval(let targetName):
            let values = names.merging(["target": targetName]) { $1 }
            subject = words.text(.emailOrganizerResponseSubject, values)
            body = [
                .text(words.text(.emailOrganizerResponseBody, values)),
                .link(
                    OrganizerRoute.responses(organization: organization.slug, petition: petition.slug).url(
                        on: baseURL), label: words.text(.emailOrganizerResponseLink)),
                .text(words.text(.emailOrganizerResponseLeak)),
            ]
        case .goalReached(let goal, let count):
            subject = words.text(.emailOrganizerGoalSubject, names)
            let numbers = [
                "goal": words.language.number(goal), "count": words.language.number(count),
                "next": words.language.number(Goal.displayed(count: count, organizerGoal: goal)),
            ]
            body = [
                .text(words.text(.emailOrganizerGoalBody, names.merging(numbers) { $1 })),
                .link(
                    OrganizerRoute.dashboard(organization: organization.slug, petition: petition.slug).url(on: baseURL),
                    label: words.text(.emailOrganizerGoalLink)),
            ]
        case .deliveryRecorded(let targetName, let channel, let count, let deliveredAt):
            let values = names.merging([
                "target": targetName, "channel": words.channel(channel), "date": words.language.date(deliveredAt),
                "count": words.language.number(count),
            ]) { $1 }
            subject = words.text(.emailOrganizerDeliverySubject, values)
            body = [
                .text(words.text(.emailOrganizerDeliveryBody, values)),
                .link(
                    OrganizerRoute.deliveries(organization: organization.slug, petition: petition.slug).url(
                        on: baseURL), label: words.text(.emailOrganizerDeliveryLink)),
            ]
        }
        return try queue(
            to: recipient.address, name: recipient.name, subject: subject,
            paragraphs: [.text(words.text(.emailHello, ["name": recipient.name]))] + body
                + choiceFooter(organization, words),
            language: words.language)
    }

    /// How to choose these emails, and the signature.
    private func choiceFooter(_ organization: Organization, _ words: Translation) -> [MailParagraph] {
        [
            .text(words.text(.emailOrganizerFooter, ["organization": organization.name])),
            .link(AccountRoute.account.url(on: baseURL), label: words.text(.emailOrganizerFooterLink)),
            .text(words.text(.emailAccountSignature)),
        ]
    }
}

extension Translation {
    /// How a delivery was made, inside a sentence: "by post".
    func channel(_ channel: DeliveryChannel) -> String {
        switch channel {
        case .email: text(.activityChannelEmail)
        case .inPerson: text(.activityChannelInPerson)
        case .post: text(.activityChannelPost)
        case .onlineForm: text(.activityChannelOnlineForm)
        }
    }
}
