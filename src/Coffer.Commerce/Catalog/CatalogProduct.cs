using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Catalog;

/// <summary>A catalog product's life: <c>draft</c> (being set up) → <c>active</c> (sold) ⇄ <c>archived</c> (no longer sold).</summary>
internal static class CatalogStatuses
{
    public const string Draft = "draft";
    public const string Active = "active";
    public const string Archived = "archived";

    public static readonly IReadOnlyList<string> All = [Draft, Active, Archived];

    /// <summary>Once sold, a product never becomes a draft again; an archived one may be sold again.</summary>
    public static bool CanMove(string from, string to) =>
        from == to || (from, to) is (Draft, Active) or (Draft, Archived) or (Active, Archived) or (Archived, Active);
}

/// <summary>
/// A product of a tenant's catalog (<c>commerce_products</c>). Its <see cref="Version"/> grows with every change of the product
/// or of one of its variants, so that one ETag covers what a GET shows.
/// </summary>
internal sealed class CatalogProduct
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Status { get; set; }
    public long Version { get; set; } = 1;
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns = "id, tenant_id, name, description, status, version, created_by, created_at, updated_at";

    public static CatalogProduct Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Name = r.GetString(2),
        Description = r.IsDBNull(3) ? null : r.GetString(3),
        Status = r.GetString(4),
        Version = r.GetInt64(5),
        CreatedBy = r.GetString(6),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(7),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(8),
    };

    public static SqlStatement Insert(CatalogProduct p) => SqlStatement.Tagged("commerce_products.insert",
        $"INSERT INTO commerce_products ({Columns}) VALUES (@id, @tenant, @name, @description, @status, @version, @by, @now, @now)",
        ("id", p.Id), ("tenant", p.TenantId), ("name", p.Name), ("description", p.Description), ("status", p.Status),
        ("version", p.Version), ("by", p.CreatedBy), ("now", p.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("commerce_products.find",
        $"SELECT {Columns} FROM commerce_products WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    /// <summary>A page of the tenant's products in id order after <paramref name="after"/>; <paramref name="status"/> filters when given.</summary>
    public static SqlStatement Page(string tenantId, string? status, bool excludeDrafts, Guid? after, int limit) =>
        SqlStatement.Tagged("commerce_products.page",
        $"SELECT {Columns} FROM commerce_products WHERE tenant_id = @tenant" + (status is null ? "" : " AND status = @status")
        + (excludeDrafts ? $" AND status <> '{CatalogStatuses.Draft}'" : "")
        + (after is null ? "" : " AND id > @after") + " ORDER BY id LIMIT @limit",
        ("tenant", tenantId), ("status", status), ("after", after), ("limit", limit));

    /// <summary>Writes the product at its next version, if the row is still at the one before (under the row lock it is).</summary>
    public static SqlStatement Save(CatalogProduct changed) => SqlStatement.Tagged("commerce_products.save",
        """
        UPDATE commerce_products SET name = @name, description = @description, status = @status, version = @version, updated_at = @now
        WHERE tenant_id = @tenant AND id = @id AND version = @previous
        """,
        ("name", changed.Name), ("description", changed.Description), ("status", changed.Status), ("version", changed.Version),
        ("now", changed.UpdatedAt), ("tenant", changed.TenantId), ("id", changed.Id), ("previous", changed.Version - 1));

    public CatalogProduct Copy() => (CatalogProduct)MemberwiseClone();
}
