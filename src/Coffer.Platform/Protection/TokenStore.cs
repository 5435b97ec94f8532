using System.Data.Common;
using Coffer.Platform.Persistence;

namespace Coffer.Platform.Protection;

/// <summary>A stored token's sealed value, as read for detokenization or rotation.</summary>
internal sealed record StoredToken(string Token, string TenantId, string Kind, string Ciphertext, int KeyVersion);

/// <summary>The SQL of the <c>tokens</c> table; identical on SQLite and PostgreSQL but for row locks.</summary>
internal static class TokenStore
{
    private const string Columns = "token, tenant_id, kind, ciphertext, key_version";

    public static SqlStatement Insert(
        string token, string tenantId, string kind, string ciphertext, string? last4, int keyVersion, DateTimeOffset createdAt) =>
        SqlStatement.Tagged("tokens.insert",
            """
            INSERT INTO tokens (token, tenant_id, kind, ciphertext, last4, key_version, created_at)
            VALUES (@token, @tenant, @kind, @ciphertext, @last4, @keyVersion, @createdAt)
            """,
            ("token", token), ("tenant", tenantId), ("kind", kind), ("ciphertext", ciphertext), ("last4", last4),
            ("keyVersion", keyVersion), ("createdAt", createdAt));

    /// <summary>One token of one tenant: the tenant filter applies on every engine, row-level security on top on PostgreSQL.</summary>
    public static SqlStatement One(string tenantId, string token) => SqlStatement.Tagged("tokens.read",
        $"SELECT {Columns} FROM tokens WHERE tenant_id = @tenant AND token = @token", ("tenant", tenantId), ("token", token));

    public static SqlStatement CountNotUnder(int keyVersion) => SqlStatement.Tagged("tokens.count_stale",
        "SELECT COUNT(*) FROM tokens WHERE key_version <> @keyVersion", ("keyVersion", keyVersion));

    /// <summary>The next rows not under <paramref name="keyVersion"/>, in token order after <paramref name="after"/>, locked.</summary>
    public static SqlStatement NextNotUnder(DatabaseProvider provider, int keyVersion, string after, int limit) =>
        SqlStatement.Tagged("tokens.next_stale",
            $"""
            SELECT {Columns} FROM tokens WHERE key_version <> @keyVersion AND token > @after
            ORDER BY token LIMIT @limit{provider.ForUpdate()}
            """,
            ("keyVersion", keyVersion), ("after", after), ("limit", limit));

    /// <summary>Replaces the sealed value only if it is still the one that was read (a concurrent rotation got there first otherwise).</summary>
    public static SqlStatement Reseal(string token, int fromVersion, string ciphertext, int toVersion) => SqlStatement.Tagged("tokens.reseal",
        "UPDATE tokens SET ciphertext = @ciphertext, key_version = @toVersion WHERE token = @token AND key_version = @fromVersion",
        ("ciphertext", ciphertext), ("toVersion", toVersion), ("token", token), ("fromVersion", fromVersion));

    public static StoredToken Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4));
}
