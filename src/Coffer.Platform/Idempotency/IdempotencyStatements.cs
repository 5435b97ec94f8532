namespace Coffer.Platform.Idempotency;

using Coffer.Platform.Persistence;

/// <summary>The SQL of the idempotency table; identical on SQLite and PostgreSQL.</summary>
internal static class IdempotencyStatements
{
    public const string ClaimTag = "idempotency.claim";

    public static SqlStatement Claim(IdempotencyScope scope, DateTimeOffset now, TimeSpan retention) => SqlStatement.Tagged(
        ClaimTag,
        """
        INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, created_at, expires_at)
        VALUES (@tenant, @subject, @key, @hash, @now, @expires)
        """,
        ("tenant", scope.Tenant), ("subject", scope.Subject), ("key", scope.Key), ("hash", scope.RequestHash),
        ("now", now), ("expires", now + retention));

    public static SqlStatement Complete(IdempotencyScope scope, StoredResponse response) => SqlStatement.Of(
        """
        UPDATE idempotency_records
        SET response_status = @status, response_content_type = @contentType, response_location = @location, response_body = @body
        WHERE tenant_id = @tenant AND subject = @subject AND key = @key
        """,
        ("tenant", scope.Tenant), ("subject", scope.Subject), ("key", scope.Key), ("status", response.Status),
        ("contentType", response.ContentType), ("location", response.Location), ("body", response.Body));

    /// <summary>Stores a settled failure under the key unless another request holds it already (then a no-op).</summary>
    public static SqlStatement ClaimFailure(
        IdempotencyScope scope, StoredResponse response, DateTimeOffset now, TimeSpan retention) => SqlStatement.Tagged(
        ClaimTag,
        """
        INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, response_status, response_content_type,
            response_location, response_body, created_at, expires_at)
        VALUES (@tenant, @subject, @key, @hash, @status, @contentType, @location, @body, @now, @expires)
        ON CONFLICT DO NOTHING
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
