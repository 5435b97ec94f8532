namespace Coffer.Platform.Approvals;

/// <summary>
/// The operations a quorum of partners may have to approve (issue 8, SEEDS §C). Each is owned by one module, which asks
/// <see cref="IApprovalGate"/> before executing it and registers an <see cref="IApprovedOperation"/> that executes it once approved.
/// </summary>
public static class ApprovalOperations
{
    /// <summary>A dividend (investments): to one investment or pro rata over a product.</summary>
    public const string DividendDistribute = "dividend.distribute";

    /// <summary>A withdrawal above the policy's threshold (ledger).</summary>
    public const string WithdrawalLarge = "withdrawal.large";

    /// <summary>A release of a product's reserve proposed by the reserves engine (investments).</summary>
    public const string ReserveRelease = "reserve.release";

    /// <summary>A change of an investment partner's API credentials (investments).</summary>
    public const string PartnerCredentialsChange = "partner.credentials.change";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        DividendDistribute, WithdrawalLarge, ReserveRelease, PartnerCredentialsChange,
    };
}
