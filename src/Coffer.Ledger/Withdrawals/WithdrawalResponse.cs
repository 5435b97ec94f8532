namespace Coffer.Ledger.Withdrawals;

/// <summary>The destination as shown: its token and last four digits, never the account number.</summary>
internal sealed record DestinationResponse(string Token, string? Last4);

/// <summary>A withdrawal; <c>jobId</c> is the payout job (<c>GET /api/v1/jobs/{id}</c> shows its attempts).</summary>
internal sealed record WithdrawalResponse(
    Guid Id, Guid AccountId, long Amount, string Currency, DestinationResponse Destination, string Status, Guid HoldId, Guid JobId,
    string? ProviderReference, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static WithdrawalResponse From(Withdrawal w) => new(
        w.Id, w.AccountId, w.Amount, w.Currency, new DestinationResponse(w.DestinationToken, w.DestinationLast4), w.Status, w.HoldId,
        w.JobId, w.ProviderReference, w.FailureReason, w.CreatedAt, w.UpdatedAt);
}

/// <summary>What <c>POST /api/v1/withdrawals</c> answers (202): the withdrawal is queued behind its hold.</summary>
internal sealed record WithdrawalAccepted(Guid WithdrawalId, Guid JobId, string Status);
