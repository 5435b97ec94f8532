namespace Coffer.Approvals;

/// <summary>The module's endpoint rate-limit policies, per user per hour; <c>Coffer:RateLimits:Policies:&lt;name&gt;</c> overrides.</summary>
internal static class ApprovalRateLimits
{
    /// <summary>Partner and policy administration: 30 per hour.</summary>
    public const string Admin = "approvals-admin";

    /// <summary>Signatures and rejections: 60 per hour.</summary>
    public const string Decisions = "approval-decisions";

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static readonly IReadOnlyList<(string Name, int Permits)> Defaults = [(Admin, 30), (Decisions, 60)];
}
