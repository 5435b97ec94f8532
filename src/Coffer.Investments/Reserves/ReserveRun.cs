using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Reserves;

/// <summary>What a run decided.</summary>
internal static class ReserveActions
{
    /// <summary>Held was below required: the difference moved from the dividend pool into the reserve.</summary>
    public const string TopUp = "topup";
    /// <summary>Held was above required and the release was executed at once (no approval policy asked for one).</summary>
    public const string Release = "release";
    /// <summary>Held was above required and the release waits for approval (<see cref="ReserveRun.ApprovalId"/>).</summary>
    public const string ReleasePending = "release_pending";
    /// <summary>Held equals required, or a release of this product already waits for approval.</summary>
    public const string None = "none";
}

/// <summary>Where a run stands: <c>completed</c>, or <c>pending_approval</c> → <c>released</c> once its approved release executed.</summary>
internal static class ReserveRunStatuses
{
    public const string Completed = "completed";
    public const string PendingApproval = "pending_approval";
    public const string Released = "released";

    /// <summary>The release's approval was rejected or expired: nothing moved, and the engine may propose again.</summary>
    public const string NotReleased = "not_released";
}

/// <summary>One run of the reserves engine over one product (<c>reserve_runs</c>): the figures it saw and what it did.</summary>
internal sealed class ReserveRun
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public Guid ProductId { get; set; }
    public required string Currency { get; set; }
    public decimal Ratio { get; set; }
    /// <summary>Outstanding principal: the product's custody balance when the run took the product's lock.</summary>
    public long Outstanding { get; set; }
    public long Required { get; set; }
    public long Held { get; set; }
    public required string Action { get; set; }
    /// <summary>The amount topped up or (to be) released; 0 for <see cref="ReserveActions.None"/>.</summary>
    public long Amount { get; set; }
    public Guid? ApprovalId { get; set; }
    public DateTimeOffset? ApprovalExpiresAt { get; set; }
    public Guid? TransferId { get; set; }
    public required string Status { get; set; }
    public required string TriggeredBy { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }

    public const string Columns =
        "id, tenant_id, product_id, currency, ratio, outstanding, required, held, action, amount, approval_id, approval_expires_at, "
        + "transfer_id, status, triggered_by, started_at, finished_at, released_at";

    public static ReserveRun Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        ProductId = r.GetGuid(2),
        Currency = r.GetString(3),
        Ratio = r.GetDecimal(4),
        Outstanding = r.GetInt64(5),
        Required = r.GetInt64(6),
        Held = r.GetInt64(7),
        Action = r.GetString(8),
        Amount = r.GetInt64(9),
        ApprovalId = r.IsDBNull(10) ? null : r.GetGuid(10),
        ApprovalExpiresAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        TransferId = r.IsDBNull(12) ? null : r.GetGuid(12),
        Status = r.GetString(13),
        TriggeredBy = r.GetString(14),
        StartedAt = r.GetFieldValue<DateTimeOffset>(15),
        FinishedAt = r.GetFieldValue<DateTimeOffset>(16),
        ReleasedAt = r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17),
    };

    public static SqlStatement Insert(ReserveRun run) => SqlStatement.Tagged("reserve_runs.insert",
        $"""
        INSERT INTO reserve_runs ({Columns})
        VALUES (@id, @tenant, @product, @currency, @ratio, @outstanding, @required, @held, @action, @amount, @approval, @expires,
                @transfer, @status, @by, @started, @finished, NULL)
        """,
        ("id", run.Id), ("tenant", run.TenantId), ("product", run.ProductId), ("currency", run.Currency), ("ratio", run.Ratio),
        ("outstanding", run.Outstanding), ("required", run.Required), ("held", run.Held), ("action", run.Action), ("amount", run.Amount),
        ("approval", run.ApprovalId), ("expires", run.ApprovalExpiresAt), ("transfer", run.TransferId), ("status", run.Status),
        ("by", run.TriggeredBy), ("started", run.StartedAt), ("finished", run.FinishedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("reserve_runs.find",
        $"SELECT {Columns} FROM reserve_runs WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}", ("tenant", tenantId), ("id", id));

    /// <summary>A release of the product still waiting for an approval that has not expired: a run proposes no second one.</summary>
    public static SqlStatement OpenRelease(string tenantId, Guid productId, DateTimeOffset now) => SqlStatement.Tagged("reserve_runs.open_release",
        $"""
        SELECT {Columns} FROM reserve_runs
        WHERE tenant_id = @tenant AND product_id = @product AND status = '{ReserveRunStatuses.PendingApproval}' AND approval_expires_at > @now
        ORDER BY id LIMIT 10
        """, ("tenant", tenantId), ("product", productId), ("now", now));

    /// <summary>Settles a pending release whose approval will never execute.</summary>
    public static SqlStatement MarkNotReleased(string tenantId, Guid id) => SqlStatement.Tagged("reserve_runs.not_released",
        $"UPDATE reserve_runs SET status = '{ReserveRunStatuses.NotReleased}' WHERE tenant_id = @tenant AND id = @id "
        + $"AND status = '{ReserveRunStatuses.PendingApproval}'", ("tenant", tenantId), ("id", id));

    public static SqlStatement PageOfProduct(string tenantId, Guid productId, Guid? after, int limit) => SqlStatement.Tagged("reserve_runs.page",
        $"SELECT {Columns} FROM reserve_runs WHERE tenant_id = @tenant AND product_id = @product"
        + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
        ("tenant", tenantId), ("product", productId), ("after", after), ("limit", limit));

    public static SqlStatement MarkReleased(string tenantId, Guid id, Guid transferId, DateTimeOffset now) => SqlStatement.Tagged("reserve_runs.released",
        $"""
        UPDATE reserve_runs SET status = '{ReserveRunStatuses.Released}', transfer_id = @transfer, released_at = @now
        WHERE tenant_id = @tenant AND id = @id AND status = '{ReserveRunStatuses.PendingApproval}'
        """, ("transfer", transferId), ("now", now), ("tenant", tenantId), ("id", id));
}

internal sealed record ReserveRunResponse(
    Guid Id, Guid ProductId, string Currency, decimal Ratio, long Outstanding, long Required, long Held, string Action, long Amount,
    Guid? ApprovalId, DateTimeOffset? ApprovalExpiresAt, Guid? TransferId, string Status, string TriggeredBy, DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt, DateTimeOffset? ReleasedAt)
{
    public static ReserveRunResponse From(ReserveRun r) => new(
        r.Id, r.ProductId, r.Currency, r.Ratio, r.Outstanding, r.Required, r.Held, r.Action, r.Amount, r.ApprovalId, r.ApprovalExpiresAt,
        r.TransferId, r.Status, r.TriggeredBy, r.StartedAt, r.FinishedAt, r.ReleasedAt);
}
