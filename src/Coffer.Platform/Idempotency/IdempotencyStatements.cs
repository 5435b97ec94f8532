namespace Coffer.Platform.Idempotency;

using Coffer.Platform.Persistence;

/// <summary>The SQL of the idempotency table; identical on SQLite and PostgreSQL.</summary>
internal static class IdempotencyStatements
{
    public const string ClaimTag = "idempotency.claim";

    /// <summary>
    /// Claims the key with its final response, in the transaction of the effect. The unique key makes a
    /// concurrent duplicate wait here until the first commits (then fail and replay) or rolls back.
    /// With <paramref name="ifAbsent"/> (for settled failures) a key already taken makes it a no-op.
    /// </summary>
    public static SqlStatement Store(
        IdempotencyScope scope, StoredResponse response, DateTimeOffset now, TimeSpan retention, bool ifAbsent) => SqlStatement.Tagged(
        ClaimTag,
        $"""
        INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, response_status, response_content_type,
            response_location, response_body, created_at, expires_at)
        VALUES (@tenant, @subject, @key, @hash, @status, @contentType, @location, @body, @now, @expires)
        {(ifAbsent ? "ON CONFLICT DO NOTHING" : "")}
        """,
        ("tenant", scope.Tenant), ("subject", scope.Subject), ("key", scope.Key), ("hash", scope.RequestHash),
        ("status", response.Status), ("contentType", response.ContentType), ("location", response.Location),
        ("body", response.Body), ("now", now), ("expires", now + retention));

    public static SqlStatement Find(IdempotencyScope scope) => SqlStatement.Of(
        """
        SELECT request_hash, response_status, response_content_type, response_location, response_body
        FROM idempotency_records WHERE tenant_id = @tenant AND subject = @subject AND key = @key
        """,
        ("tenant", scope.Tenant), ("subject", scope.Subject), ("key", scope.Key));

    public static SqlStatement Purge(DateTimeOffset now) =>
        SqlStatement.Of("DELETE FROM idempotency_records WHERE expires_at < @now", ("now", now));
}

/// <summary>Whose key it is and what request it fingerprints.</summary>
internal sealed record IdempotencyScope(string Tenant, string Subject, string Key, string RequestHash);
