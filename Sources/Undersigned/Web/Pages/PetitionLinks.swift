/// Where the organizers' pages of one petition link and post to, for their templates.
struct PetitionLinks {
    var organization: String
    var organizationAudit: String
    var publicPage: String
    var petition: String
    var edit: String
    var submit: String
    var withdrawSubmission: String
    var close: String
    var amendments: String
    var translation: String
    var removeTranslation: String
    var image: String
    var removeImage: String
    var deliveries: String
    var targetLinks: String
    var responses: String
    var dashboard: String
    var updates: String
    var signaturesCSV: String
    var package: String

    init(organization: String, petition: String) {
        self.organization = OrganizationRoute.organization(slug: organization).path
        organizationAudit = OrganizationRoute.audit(organization: organization).path
        publicPage = PetitionRoute.page(slug: petition).path
        self.petition = OrganizerRoute.petition(organization: organization, petition: petition).path
        edit = OrganizerRoute.edit(organization: organization, petition: petition).path
        submit = OrganizerRoute.submit(organization: organization, petition: petition).path
        withdrawSubmission = OrganizerRoute.withdrawSubmission(organization: organization, petition: petition).path
        close = OrganizerRoute.close(organization: organization, petition: petition).path
        amendments = OrganizerRoute.amendments(organization: organization, petition: petition).path
        translation = OrganizerRoute.translation(organization: organization, petition: petition).path
        removeTranslation = OrganizerRoute.removeTranslation(organization: organization, petition: petition).path
        image = OrganizerRoute.image(organization: organization, petition: petition).path
        removeImage = OrganizerRoute.removeImage(organization: organization, petition: petition).path
        deliveries = OrganizerRoute.deliveries(organization: organization, petition: petition).path
        targetLinks = OrganizerRoute.targetLinks(organization: organization, petition: petition).path
        responses = OrganizerRoute.responses(organization: organization, petition: petition).path
        dashboard = OrganizerRoute.dashboard(organization: organization, petition: petition).path
        updates = OrganizerRoute.updates(organization: organization, petition: petition).path
        signaturesCSV = OrganizerRoute.signaturesCSV(organization: organization, petition: petition).path
        package = OrganizerRoute.package(organization: organization, petition: petition).path
    }
}
