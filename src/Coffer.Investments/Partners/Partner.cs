using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Partners;

/// <summary>Only an <c>active</c> partner is called; a <c>suspended</c> one stops its products' executions and redemptions.</summary>
internal static class PartnerStatuses
{
    public const string Active = "active";
    public const string Suspended = "suspended";
}

/// <summary>
/// An external investment partner whose API places and redeems investments. Its API key and secret are stored only sealed
/// (AES-GCM under the active data key, <see cref="PartnerCredentials"/>); its settlement account number only as a vault token.
/// </summary>
internal sealed class Partner
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string BaseUrl { get; set; }
    public required string ApiKeySealed { get; set; }
    public required string SecretSealed { get; set; }
    public string? AccountToken { get; set; }
    public string? AccountLast4 { get; set; }
    public required string Status { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CredentialsUpdatedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const string Columns =
        "id, tenant_id, name, base_url, api_key_sealed, secret_sealed, account_token, account_last4, status, created_by, "
        + "credentials_updated_at, created_at, updated_at";

    public static Partner Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetString(1),
        Name = r.GetString(2),
        BaseUrl = r.GetString(3),
        ApiKeySealed = r.GetString(4),
        SecretSealed = r.GetString(5),
        AccountToken = r.IsDBNull(6) ? null : r.GetString(6),
        AccountLast4 = r.IsDBNull(7) ? null : r.GetString(7),
        Status = r.GetString(8),
        CreatedBy = r.GetString(9),
        CredentialsUpdatedAt = r.GetFieldValue<DateTimeOffset>(10),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(11),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(12),
    };

    public static SqlStatement Insert(Partner p) => SqlStatement.Tagged("investment_partners.insert",
        $"""
        INSERT INTO investment_partners ({Columns})
        VALUES (@id, @tenant, @name, @baseUrl, @apiKey, @secret, @accountToken, @accountLast4, @status, @createdBy, @now, @now, @now)
        """,
        ("id", p.Id), ("tenant", p.TenantId), ("name", p.Name), ("baseUrl", p.BaseUrl), ("apiKey", p.ApiKeySealed),
        ("secret", p.SecretSealed), ("accountToken", p.AccountToken), ("accountLast4", p.AccountLast4), ("status", p.Status),
        ("createdBy", p.CreatedBy), ("now", p.CreatedAt));

    public static SqlStatement Find(string tenantId, Guid id, DatabaseProvider? lockFor = null) => SqlStatement.Tagged("investment_partners.find",
        $"SELECT {Columns} FROM investment_partners WHERE tenant_id = @tenant AND id = @id{lockFor?.ForUpdate()}",
        ("tenant", tenantId), ("id", id));

    public static SqlStatement Page(string tenantId, Guid? after, int limit) => SqlStatement.Tagged("investment_partners.page",
        $"SELECT {Columns} FROM investment_partners WHERE tenant_id = @tenant" + (after is null ? "" : " AND id > @after")
        + " ORDER BY id LIMIT @limit",
        ("tenant", tenantId), ("after", after), ("limit", limit));

    public static SqlStatement ReplaceCredentials(Partner p, DateTimeOffset now) => SqlStatement.Tagged("investment_partners.credentials",
        """
        UPDATE investment_partners SET api_key_sealed = @apiKey, secret_sealed = @secret, credentials_updated_at = @now, updated_at = @now
        WHERE tenant_id = @tenant AND id = @id
        """,
        ("apiKey", p.ApiKeySealed), ("secret", p.SecretSealed), ("now", now), ("tenant", p.TenantId), ("id", p.Id));

    public static SqlStatement SetStatus(Partner p, string status, DateTimeOffset now) => SqlStatement.Tagged("investment_partners.status",
        "UPDATE investment_partners SET status = @status, updated_at = @now WHERE tenant_id = @tenant AND id = @id",
        ("status", status), ("now", now), ("tenant", p.TenantId), ("id", p.Id));
}
