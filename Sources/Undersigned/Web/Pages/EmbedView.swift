/// The widget: a petition's title, count and sign form (or, once signed, the check-your-email
/// message), without the site's header and footer.
struct EmbedView {
    var page: Layout
    var petition: PetitionView
    /// Absent when the petition takes no signatures, or once signed.
    var form: SignFormView?
    /// After signing: the message that the confirmation link is on its way, instead of the form.
    var sent: Bool
    /// The script that keeps the count live, from `petition.eventsPath`.
    var liveScriptPath: String
}
