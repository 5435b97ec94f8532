using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Ledger.Withdrawals;

/// <summary>Where a withdrawal is: <c>queued</c> (funds held, payout not yet confirmed), <c>paid</c>, or <c>failed</c> (hold voided).</summary>
internal static class WithdrawalStatuses
{
    public const string Queued = "queued";
    public const string Paid = "paid";
    public const string Failed = "failed";
}

/// <summary>
/// A payout of wallet funds to an external bank account. The destination account number exists only in the token vault:
/// this row holds its token and last four digits.
/// </summary>
internal sealed class Withdrawal
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid AccountId { get; set; }
    public required string OwnerId { get; set; }
    public required string RequestedBy { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string DestinationToken { get; set; }
    public string? DestinationLast4 { get; set; }
    public required string Status { get; set; }
    public Guid HoldId { get; set; }
    public Guid JobId { get; set; }
    public string? ProviderReference { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns =
        "id, tenant_id, account_id, owner_id, requested_by, amount, currency, destination_token, destination_last4, status, hold_id, "
        + "job_id, provider_reference, failure_reason, created_at, updated_at";

    public static Withdrawal Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        AccountId = r.GetGuid(2),
        OwnerId = r.GetString(3),
        RequestedBy = r.GetString(4),
        Amount = r.GetInt64(5),
        Currency = r.GetString(6),
        DestinationToken = r.GetString(7),
        DestinationLast4 = r.IsDBNull(8) ? null : r.GetString(8),
        Status = r.GetString(9),
        HoldId = r.GetGuid(10),
        JobId = r.GetGuid(11),
        ProviderReference = r.IsDBNull(12) ? null : r.GetString(12),
        FailureReason = r.IsDBNull(13) ? null : r.GetString(13),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(14),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(15),
    };

    public static SqlStatement Insert(Withdrawal w) => SqlStatement.Tagged("withdrawals.insert",
        $"""
        INSERT INTO withdrawals ({Columns})
        VALUES (@id, @tenant, @account, @owner, @requestedBy, @amount, @currency, @token, @last4, @status, @hold, @job, NULL, NULL, @now, @now)
        """,
        ("id", w.Id), ("tenant", w.TenantId), ("account", w.AccountId), ("owner", w.OwnerId), ("requestedBy", w.RequestedBy),
        ("amount", w.Amount), ("currency", w.Currency), ("token", w.DestinationToken), ("last4", w.DestinationLast4),
        ("status", w.Status), ("hold", w.HoldId), ("job", w.JobId), ("now", w.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("withdrawals.find",
        $"SELECT {Columns} FROM withdrawals WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}", ("tenant", tenantId), ("id", id));

    /// <summary>Settles a queued withdrawal: paid (with the provider's reference) or failed (with the reason).</summary>
    public static SqlStatement Settle(Withdrawal w, string status, string? providerReference, string? failureReason, DateTimeOffset now) =>
        SqlStatement.Tagged("withdrawals.settle",
            $"""
            UPDATE withdrawals SET status = @status, provider_reference = @reference, failure_reason = @reason, updated_at = @now
            WHERE tenant_id = @tenant AND id = @id AND status = '{WithdrawalStatuses.Queued}'
            """,
            ("status", status), ("reference", providerReference), ("reason", failureReason), ("now", now), ("tenant", w.TenantId), ("id", w.Id));
}
