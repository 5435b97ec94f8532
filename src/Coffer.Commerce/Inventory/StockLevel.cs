using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Commerce.Inventory;

/// <summary>
/// The stock of one variant (<c>commerce_inventory</c>): <see cref="OnHand"/> units in the warehouse, of which
/// <see cref="Reserved"/> are promised to unpaid orders. The database holds the rules (0 ≤ reserved ≤ on hand), and every
/// change is one conditional UPDATE, so two checkouts racing for the last unit cannot both win and stock never goes negative.
/// </summary>
internal sealed class StockLevel
{
    public Guid VariantId { get; set; }
    public required string TenantId { get; set; }
    public required string Sku { get; set; }
    public long OnHand { get; set; }
    public long Reserved { get; set; }
    public long LowStockThreshold { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public long Available => OnHand - Reserved;

    private const string Columns =
        "i.variant_id, i.tenant_id, v.sku, i.on_hand, i.reserved, i.low_stock_threshold, i.version, i.updated_at";

    public static StockLevel Read(DbDataReader r) => new()
    {
        VariantId = r.GetGuid(0),
        TenantId = r.GetString(1),
        Sku = r.GetString(2),
        OnHand = r.GetInt64(3),
        Reserved = r.GetInt64(4),
        LowStockThreshold = r.GetInt64(5),
        Version = r.GetInt64(6),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(7),
    };

    /// <summary>A new variant's stock: none on hand, no alert threshold.</summary>
    public static SqlStatement InsertEmpty(string tenantId, Guid variantId, DateTimeOffset now) => SqlStatement.Tagged("commerce_inventory.insert",
        """
        INSERT INTO commerce_inventory (variant_id, tenant_id, on_hand, reserved, low_stock_threshold, version, updated_at)
        VALUES (@variant, @tenant, 0, 0, 0, 1, @now)
        """,
        ("variant", variantId), ("tenant", tenantId), ("now", now));

    public static SqlStatement Find(string tenantId, Guid variantId, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("commerce_inventory.find",
        $"""
        SELECT {Columns} FROM commerce_inventory i JOIN commerce_variants v ON v.id = i.variant_id AND v.tenant_id = i.tenant_id
        WHERE i.tenant_id = @tenant AND i.variant_id = @variant{(lockFor == DatabaseProvider.Postgres ? " FOR UPDATE OF i" : "")}
        """,
        ("tenant", tenantId), ("variant", variantId));

    /// <summary>The tenant's variants at or below their threshold (a threshold of 0 alerts at 0), fewest available first.</summary>
    public static SqlStatement Low(string tenantId, int limit) => SqlStatement.Tagged("commerce_inventory.low",
        $"""
        SELECT {Columns} FROM commerce_inventory i JOIN commerce_variants v ON v.id = i.variant_id AND v.tenant_id = i.tenant_id
        WHERE i.tenant_id = @tenant AND i.on_hand - i.reserved <= i.low_stock_threshold
        ORDER BY i.on_hand - i.reserved, i.variant_id LIMIT @limit
        """,
        ("tenant", tenantId), ("limit", limit));

    /// <summary>
    /// Reserves <paramref name="quantity"/> units if that many are available, answering the stock after (available, threshold);
    /// no row when they are not. On PostgreSQL a racing UPDATE waits for the row and re-checks the condition on the new row.
    /// </summary>
    public static SqlStatement Reserve(string tenantId, Guid variantId, long quantity, DateTimeOffset now) => SqlStatement.Tagged("commerce_inventory.reserve",
        """
        UPDATE commerce_inventory SET reserved = reserved + @quantity, version = version + 1, updated_at = @now
        WHERE tenant_id = @tenant AND variant_id = @variant AND on_hand - reserved >= @quantity
        RETURNING on_hand - reserved, low_stock_threshold
        """,
        ("quantity", quantity), ("now", now), ("tenant", tenantId), ("variant", variantId));

    /// <summary>Gives reserved units back (an unpaid order cancelled or expired).</summary>
    public static SqlStatement Release(string tenantId, Guid variantId, long quantity, DateTimeOffset now) => Change(
        "commerce_inventory.release", "reserved = reserved - @quantity", "reserved >= @quantity", tenantId, variantId, quantity, now);

    /// <summary>Turns reserved units into sold ones: they leave the warehouse's count (the order is paid).</summary>
    public static SqlStatement Commit(string tenantId, Guid variantId, long quantity, DateTimeOffset now) => Change(
        "commerce_inventory.commit", "reserved = reserved - @quantity, on_hand = on_hand - @quantity", "reserved >= @quantity",
        tenantId, variantId, quantity, now);

    /// <summary>Puts sold units back on the shelf (a paid order cancelled before it shipped).</summary>
    public static SqlStatement Restock(string tenantId, Guid variantId, long quantity, DateTimeOffset now) => Change(
        "commerce_inventory.restock", "on_hand = on_hand + @quantity", "1 = 1", tenantId, variantId, quantity, now);

    /// <summary>An administrator's count correction: on hand moves by <paramref name="delta"/> if it stays at or above what is reserved.</summary>
    public static SqlStatement Adjust(string tenantId, Guid variantId, long delta, DateTimeOffset now) => SqlStatement.Tagged("commerce_inventory.adjust",
        """
        UPDATE commerce_inventory SET on_hand = on_hand + @delta, version = version + 1, updated_at = @now
        WHERE tenant_id = @tenant AND variant_id = @variant AND on_hand + @delta >= reserved
        """,
        ("delta", delta), ("now", now), ("tenant", tenantId), ("variant", variantId));

    public static SqlStatement SetThreshold(string tenantId, Guid variantId, long threshold, DateTimeOffset now) =>
        SqlStatement.Tagged("commerce_inventory.threshold",
        """
        UPDATE commerce_inventory SET low_stock_threshold = @threshold, version = version + 1, updated_at = @now
        WHERE tenant_id = @tenant AND variant_id = @variant
        """,
        ("threshold", threshold), ("now", now), ("tenant", tenantId), ("variant", variantId));

    private static SqlStatement Change(string tag, string set, string guard, string tenantId, Guid variantId, long quantity, DateTimeOffset now) =>
        SqlStatement.Tagged(tag,
        $"""
        UPDATE commerce_inventory SET {set}, version = version + 1, updated_at = @now
        WHERE tenant_id = @tenant AND variant_id = @variant AND {guard}
        """,
        ("quantity", quantity), ("now", now), ("tenant", tenantId), ("variant", variantId));
}
