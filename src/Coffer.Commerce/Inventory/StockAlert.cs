using System.Data.Common;
using Coffer.Platform.Jobs;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;

namespace Coffer.Commerce.Inventory;

/// <summary>
/// A variant's available stock fell to its low-stock threshold (<c>commerce_stock_alerts</c>). Raised in the transaction that
/// crossed the threshold, with the job that mails it (<see cref="SendStockAlertJob"/>): <c>pending</c> until the mail is sent
/// (<c>sent</c>) or there is no one to send it to (<c>skipped</c>, with the reason). A failing email provider leaves it pending
/// while the job retries; the alert itself is already visible at <c>GET /api/v1/commerce/inventory/alerts</c>.
/// </summary>
internal sealed class StockAlert
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid VariantId { get; set; }
    public required string Sku { get; set; }
    public long Available { get; set; }
    public long Threshold { get; set; }
    public required string Status { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    public static readonly IReadOnlyList<string> Statuses = [Pending, Sent, Skipped];

    private const string Columns = "id, tenant_id, variant_id, sku, available, threshold, status, detail, created_at, sent_at";

    /// <summary>True when a change took available stock from above <paramref name="threshold"/> to at or below it.</summary>
    public static bool Crossed(long availableBefore, long availableAfter, long threshold) =>
        availableBefore > threshold && availableAfter <= threshold;

    public static StockAlert Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        VariantId = r.GetGuid(2),
        Sku = r.GetString(3),
        Available = r.GetInt64(4),
        Threshold = r.GetInt64(5),
        Status = r.GetString(6),
        Detail = r.IsDBNull(7) ? null : r.GetString(7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
        SentAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
    };

    /// <summary>Stages the alert and its mail job in the open transaction.</summary>
    public static StockAlert Raise(DbSession session, JobQueue jobs, RecordClock clock, string tenantId, Guid variantId, string sku,
        long available, long threshold)
    {
        var now = clock.Now();
        var alert = new StockAlert
        {
            Id = clock.NewId(now), TenantId = tenantId, VariantId = variantId, Sku = sku, Available = available, Threshold = threshold,
            Status = Pending, CreatedAt = now,
        };
        session.Defer(SqlStatement.Tagged("commerce_stock_alerts.insert",
            $"INSERT INTO commerce_stock_alerts ({Columns}) VALUES (@id, @tenant, @variant, @sku, @available, @threshold, @status, NULL, @now, NULL)",
            ("id", alert.Id), ("tenant", tenantId), ("variant", variantId), ("sku", sku), ("available", available),
            ("threshold", threshold), ("status", Pending), ("now", now)));
        jobs.Enqueue(tenantId, SendStockAlertJob.JobType, new SendStockAlertJob.Payload(alert.Id), ownerSubject: null);
        return alert;
    }

    public static SqlStatement Find(string tenantId, Guid id) => SqlStatement.Tagged("commerce_stock_alerts.find",
        $"SELECT {Columns} FROM commerce_stock_alerts WHERE tenant_id = @tenant AND id = @id", ("tenant", tenantId), ("id", id));

    /// <summary>The tenant's alerts, newest first (ids are time-ordered), before <paramref name="before"/> when given.</summary>
    public static SqlStatement Page(string tenantId, string? status, Guid? before, int limit) => SqlStatement.Tagged("commerce_stock_alerts.page",
        $"SELECT {Columns} FROM commerce_stock_alerts WHERE tenant_id = @tenant"
        + (status is null ? "" : " AND status = @status") + (before is null ? "" : " AND id < @before") + " ORDER BY id DESC LIMIT @limit",
        ("tenant", tenantId), ("status", status), ("before", before), ("limit", limit));

    /// <summary>Settles a pending alert: <see cref="Sent"/> or <see cref="Skipped"/> with why.</summary>
    public static SqlStatement Settle(string tenantId, Guid id, string status, string? detail, DateTimeOffset now) =>
        SqlStatement.Tagged("commerce_stock_alerts.settle",
        "UPDATE commerce_stock_alerts SET status = @status, detail = @detail, sent_at = @sent WHERE tenant_id = @tenant AND id = @id AND status = 'pending'",
        ("status", status), ("detail", detail), ("sent", status == Sent ? now : null), ("tenant", tenantId), ("id", id));
}
