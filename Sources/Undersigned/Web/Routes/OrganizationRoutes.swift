/// Organizations: their page, members, invitations, key, audit log and activity.
public enum OrganizationRoute: RouteGroup {
    case newOrganization
    case organization(slug: String)
    case invite(organization: String)
    case revokeInvitation(organization: String, invitation: String)
    case changeRole(organization: String, member: String)
    case removeMember(organization: String, member: String)
    case setKey(organization: String)
    case removeKey(organization: String)
    /// Partner sites' API keys: made here, shown once.
    case createPartnerKey(organization: String)
    case revokePartnerKey(organization: String, key: String)
    case audit(organization: String)
    /// What happened to the organization's petitions, for every member.
    case activity(organization: String)
    /// Where a member chooses which of the organization's petitions they are emailed about.
    case notices(organization: String)

    public static let prefix = ["org"]
    public static let all: [OrganizationRoute] = [
        .newOrganization, .organization(slug: ""), .invite(organization: ""),
        .revokeInvitation(organization: "", invitation: ""),
        .changeRole(organization: "", member: ""), .removeMember(organization: "", member: ""),
        .setKey(organization: ""), .removeKey(organization: ""), .createPartnerKey(organization: ""),
        .revokePartnerKey(organization: "", key: ""), .audit(organization: ""), .activity(organization: ""),
        .notices(organization: ""),
    ]

    public var declaration: RouteDeclaration {
        switch self {
        case .newOrganization: .getAndPost("new")
        case .organization(let slug): .get(.slug(slug))
        case .invite(let organization): .post(.slug(organization), "invitations")
        case .revokeInvitation(let organization, let invitation):
            .post(.slug(organization), "invitations", .id(invitation), "revoke")
        case .changeRole(let organization, let member): .post(.slug(organization), "members", .id(member), "role")
        case .removeMember(let organization, let member): .post(.slug(organization), "members", .id(member), "remove")
        case .setKey(let organization): .post(.slug(organization), "key")
        case .removeKey(let organization): .post(.slug(organization), "key", "remove")
        case .createPartnerKey(let organization): .post(.slug(organization), "partner-keys")
        case .revokePartnerKey(let organization, let key):
            .post(.slug(organization), "partner-keys", .id(key), "revoke")
        case .audit(let organization): .get(.slug(organization), "audit")
        case .activity(let organization): .get(.slug(organization), "activity")
        case .notices(let organization): .post(.slug(organization), "notices")
        }
    }
}

/// An organization's petitions as its members write, move, deliver and follow them.
public enum OrganizerRoute: RouteGroup {
    case newPetition(organization: String)
    case petition(organization: String, petition: String)
    case edit(organization: String, petition: String)
    case submit(organization: String, petition: String)
    case withdrawSubmission(organization: String, petition: String)
    case close(organization: String, petition: String)
    case amendments(organization: String, petition: String)
    /// A translation's editor (`?language=`), and where it posts.
    case translation(organization: String, petition: String)
    case removeTranslation(organization: String, petition: String)
    /// The picture in any state, for members; and where a new one is uploaded.
    case image(organization: String, petition: String)
    case removeImage(organization: String, petition: String)
    case deliveries(organization: String, petition: String)
    case evidence(organization: String, petition: String, delivery: String)
    case targetLinks(organization: String, petition: String)
    case responses(organization: String, petition: String)
    case approveResponse(organization: String, petition: String, response: String)
    case rejectResponse(organization: String, petition: String, response: String)
    case dashboard(organization: String, petition: String)
    case updates(organization: String, petition: String)
    /// Downloaded with a form's button; a link (GET) is answered 405.
    case signaturesCSV(organization: String, petition: String)
    case package(organization: String, petition: String)

    public static let prefix = ["org"]
    public static let all: [OrganizerRoute] = [
        .newPetition(organization: ""), .petition(organization: "", petition: ""),
        .edit(organization: "", petition: ""), .submit(organization: "", petition: ""),
        .withdrawSubmission(organization: "", petition: ""), .close(organization: "", petition: ""),
        .amendments(organization: "", petition: ""), .translation(organization: "", petition: ""),
        .removeTranslation(organization: "", petition: ""), .image(organization: "", petition: ""),
        .removeImage(organization: "", petition: ""), .deliveries(organization: "", petition: ""),
        .evidence(organization: "", petition: "", delivery: ""), .targetLinks(organization: "", petition: ""),
        .responses(organization: "", petition: ""), .approveResponse(organization: "", petition: "", response: ""),
        .rejectResponse(organization: "", petition: "", response: ""), .dashboard(organization: "", petition: ""),
        .updates(organization: "", petition: ""), .signaturesCSV(organization: "", petition: ""),
        .package(organization: "", petition: ""),
    ]

    public var declaration: RouteDeclaration {
        switch self {
        case .newPetition(let organization): .getAndPost(.slug(organization), "petitions", "new")
        case .petition(let organization, let petition): .get(.slug(organization), "petitions", .petition(petition))
        case .edit(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "edit")
        case .submit(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "submit")
        case .withdrawSubmission(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "withdraw-submission")
        case .close(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "close")
        case .amendments(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "amendments")
        case .translation(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "translation")
        case .removeTranslation(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "translation", "remove")
        case .image(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "image")
        case .removeImage(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "image", "remove")
        case .deliveries(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "deliveries")
        case .evidence(let organization, let petition, let delivery):
            .get(.slug(organization), "petitions", .petition(petition), "deliveries", .id(delivery), "evidence")
        case .targetLinks(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "target-links")
        case .responses(let organization, let petition):
            .get(.slug(organization), "petitions", .petition(petition), "responses")
        case .approveResponse(let organization, let petition, let response):
            .post(.slug(organization), "petitions", .petition(petition), "responses", .id(response), "approve")
        case .rejectResponse(let organization, let petition, let response):
            .post(.slug(organization), "petitions", .petition(petition), "responses", .id(response), "reject")
        case .dashboard(let organization, let petition):
            .get(.slug(organization), "petitions", .petition(petition), "dashboard")
        case .updates(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "updates")
        case .signaturesCSV(let organization, let petition):
            .getAndPost(.slug(organization), "petitions", .petition(petition), "export.csv")
        case .package(let organization, let petition):
            .post(.slug(organization), "petitions", .petition(petition), "package")
        }
    }
}
