namespace Coffer.Approvals;

/// <summary>The approvals module's feature flags.</summary>
internal static class ApprovalFlags
{
    /// <summary>
    /// While on (for everyone, or for a tenant by override), approved operations are not executed: their execution job
    /// completes as <c>held</c> and the approval stays <c>approved</c>; the sweeper re-enqueues them once it is off again.
    /// Seeded off by the migration that introduced it.
    /// </summary>
    public const string KillSwitch = "approvals_kill_switch";
}
