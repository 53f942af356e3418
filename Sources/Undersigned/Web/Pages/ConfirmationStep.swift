import Hummingbird

/// The page between pressing a button that cannot be undone (or that writes to many people)
/// and doing it: what will happen, to whom and to how many, with the same form again to
/// confirm. The first press of such a button posts its form without `confirmed`, and gets
/// this page; only the second, with `confirmed=yes`, acts.
struct ConfirmationStep {
    static let fieldName = "confirmed"

    var heading: String
    /// What will happen, a paragraph each.
    var consequences: [String]
    var confirmLabel: String
    /// Where the form posts again, with the fields it carried the first time.
    var action: String
    var fields: [HiddenField] = []
    var backPath: String
    var backLabel: String
    /// What will be published or sent, as it will read.
    var preview: Preview? = nil
    /// Other buttons posting the same fields with an `intent`: "Change the update" (`edit`),
    /// "Send it to me first" (`copy`).
    var otherIntents: [Intent] = []
    /// What the last of those did.
    var notice: String? = nil

    struct Intent {
        var label: String
        var value: String
    }

    struct Preview {
        var heading: String
        var bodyHTML: String
    }

    struct HiddenField {
        var name: String
        var value: String
    }

    static func isConfirmed(_ form: FormBody) -> Bool {
        form[fieldName] == "yes"
    }
}

/// The confirmation page as the template reads it.
struct ConfirmationView {
    var page: Layout
    var csrf: String
    var step: ConfirmationStep
}

extension AccountPages {
    /// The confirmation page for `step`, in place of the action.
    func confirmation(_ step: ConfirmationStep, request: Request, context: AppRequestContext) -> Response {
        respond(.confirmAction, request: request, context: context) { csrf in
            ConfirmationView(page: layout(step.heading, context), csrf: csrf, step: step)
        }
    }
}
