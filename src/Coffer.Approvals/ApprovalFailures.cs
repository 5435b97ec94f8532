using Coffer.Platform.Results;

namespace Coffer.Approvals;

/// <summary>The approvals module's expected failures and their stable codes (docs/api.md lists them).</summary>
internal static class ApprovalFailures
{
    public static Failure InvalidTransition(string from, string to) =>
        new Failure(409, "invalid_transition", "Invalid state transition", $"The approval is {from}; it cannot become {to}.")
            .With("status", from).With("from", from).With("to", to);

    public static readonly Failure AlreadySigned = new(409, "already_signed", "Already signed",
        "You have signed this approval already; a partner signs an approval once.");

    public static readonly Failure SelfApproval = new(403, "self_approval", "Self-approval is not allowed",
        "The requester of an approval cannot sign it; another partner must.");

    public static readonly Failure NotAPartner = new(403, "not_an_approval_partner", "Not an approval partner",
        "Your subject is not an approval partner of this tenant; an admin registers partners.");

    public static readonly Failure PartnerSuspended = new(403, "partner_suspended", "Approval partner suspended",
        "Your approval partner registration is suspended; a suspended partner neither signs nor rejects.");

    public static Failure PartnerExists(string subject) => new Failure(409, "partner_exists", "Partner already registered",
        "This subject is an approval partner of the tenant already.").With("subject", subject);

    public static readonly Failure PreconditionRequired = new(428, "precondition_required", "Precondition required",
        "Updating a policy needs If-Match with its current ETag (read it with GET first).");

    public static Failure PreconditionFailed(string operation) => new Failure(412, "precondition_failed", "Precondition failed",
        $"The policy of '{operation}' is not at the version If-Match names; read it again and reapply the change.")
        .With("operation", operation);
}
