/// Why a change to a petition was refused: the petition's state does not allow it (now).
public enum PetitionError: Error, Sendable, Equatable {
    /// Every address tried for a new petition was taken.
    case noFreeAddress
    /// The petition was deleted while the change was made.
    case noLongerExists
    /// The editor's fields cannot change in this state; an amendment can be published.
    case notEditable(PetitionState)
    /// The petition cannot be changed at all in this state.
    case unchangeable(PetitionState)
    /// People have been able to sign, so what they signed cannot change.
    case textFrozen
    /// The move along the lifecycle does not start from this state.
    case moveNotAllowed(from: PetitionState)
    /// A published translation people have been able to sign in cannot change…
    case translationFrozen
    /// … nor be removed.
    case translationSigned
    /// The translation was approved, rejected or removed a moment ago.
    case translationNotAwaitingReview
    /// Amendments correct the text of an open petition; before that, the text is edited.
    case amendmentBeforeOpening
    /// Updates go to signers, so a petition that never opened has none.
    case updateBeforeOpening(PetitionState)
}
