/// Every template in `Resources/templates`, by name, so that a misspelt page is a compile
/// error and a missing file stops startup (`Pages.load`) instead of failing a request.
enum PageTemplate: String, CaseIterable, Sendable {
    case account
    case activity
    case adminAccounts = "admin-accounts"
    case adminLog = "admin-log"
    case adminOutbox = "admin-outbox"
    case audit
    case checkEmail = "check-email"
    case confirm
    case confirmAction = "confirm-action"
    case countries
    case embed
    case error
    case flyer
    case formErrors = "form-errors"
    case home
    case invitation
    case layout
    case moderationActions = "moderation-actions"
    case moderationPetition = "moderation-petition"
    case organization
    case organizationNew = "organization-new"
    case petition
    case petitionDashboard = "petition-dashboard"
    case petitionDeliveries = "petition-deliveries"
    case petitionEditor = "petition-editor"
    case petitionManage = "petition-manage"
    case petitionResponses = "petition-responses"
    case petitionUpdates = "petition-updates"
    case receipt
    case report
    case reportThanks = "report-thanks"
    case resetPassword = "reset-password"
    case resetRequest = "reset-request"
    case reviewQueue = "review-queue"
    case shareLinks = "share-links"
    case signForm = "sign-form"
    case signIn = "sign-in"
    case target
    case thankYou = "thank-you"
    case tombstone
    case translationEditor = "translation-editor"
    case unsubscribe
    case withdraw
    case withdrawn
}
