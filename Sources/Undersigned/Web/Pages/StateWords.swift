/// The names of a petition's states and of members' roles in the interface's language, for
/// every organizer and moderator page that lists them.
extension Translation {
    func label(of state: PetitionState) -> String {
        switch state {
        case .draft: text(.stateDraft)
        case .pendingReview: text(.statePendingReview)
        case .open: text(.stateOpen)
        case .closed: text(.stateClosed)
        case .delivered: text(.stateDelivered)
        case .takenDown: text(.stateTakenDown)
        }
    }

    /// A state as in "a petition that is …", for sentences about one petition.
    func inSentence(state: PetitionState) -> String {
        switch state {
        case .draft: text(.stateInSentenceDraft)
        case .pendingReview: text(.stateInSentencePendingReview)
        case .open: text(.stateInSentenceOpen)
        case .closed: text(.stateInSentenceClosed)
        case .delivered: text(.stateInSentenceDelivered)
        case .takenDown: text(.stateInSentenceTakenDown)
        }
    }

    func label(of role: OrganizationRole) -> String {
        switch role {
        case .owner: text(.roleOwner)
        case .editor: text(.roleEditor)
        case .viewer: text(.roleViewer)
        }
    }

    /// What an instance admin who is no member is called where a role would be shown.
    var instanceAdminLabel: String { text(.roleInstanceAdmin) }
}
