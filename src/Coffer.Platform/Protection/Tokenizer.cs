using System.Globalization;
using System.Security.Cryptography;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Protection;

/// <summary>
/// The tokenization vault: a sensitive value (a bank account number, a partner's reference) is sealed into <c>tokens</c>
/// and the business row keeps only its token and last four. Tokenizing joins the caller's transaction, so the token exists
/// exactly when the row that references it does; detokenizing is a privileged act, audited before the value is revealed;
/// rotation re-seals every token under the active key, a batch at a time, while the server runs.
/// </summary>
public sealed partial class Tokenizer(
    DbSession session, AuditTrail audit, FieldEncryption encryption, RecordClock clock, ILogger<Tokenizer> logger)
{
    /// <summary>Rows re-sealed per transaction by <see cref="RotateAsync"/>.</summary>
    public const int RotationBatchSize = 500;

    public const int MaxPurposeLength = 200;

    public const string DetokenizedAction = "token.detokenized";
    public const string ResourceType = "token";

    /// <summary>One event per tenant and batch of rotation: resource <c>data_key</c>, id the version the tokens moved to.</summary>
    public const string RotatedAction = "data_key.rotated";

    /// <summary>
    /// Seals <paramref name="value"/> under a new token of <paramref name="tenantId"/>, queued in the caller's open
    /// transaction: it commits or rolls back with the row that references it.
    /// </summary>
    /// <param name="kind">What the value is: lower-case letters, digits and '_' (e.g. <c>bank_account</c>), at most 32.</param>
    public TokenizedValue Tokenize(string tenantId, string kind, string value)
    {
        RequireTenant(tenantId);
        if (!TokenFormat.IsValidKind(kind))
        {
            throw new ArgumentException("A kind is lower-case letters, digits and '_', starting with a letter, at most 32 characters.", nameof(kind));
        }
        if (string.IsNullOrEmpty(value) || value.Length > TokenFormat.MaxValueLength)
        {
            throw new ArgumentException($"A tokenized value has 1 to {TokenFormat.MaxValueLength} characters.", nameof(value));
        }
        if (!session.InTransaction)
        {
            throw new InvalidOperationException("Tokenize inside the transaction of the row that references the token.");
        }
        var token = TokenFormat.NewToken();
        var last4 = TokenFormat.Last4Of(value);
        var ciphertext = encryption.Encrypt(value, TokenFormat.AssociatedData(tenantId, kind, token));
        session.Defer(TokenStore.Insert(token, tenantId, kind, ciphertext, last4, FieldEncryption.KeyVersionOf(ciphertext), clock.Now()));
        return new TokenizedValue(token, last4);
    }

    /// <summary>
    /// The value behind <paramref name="token"/> of <paramref name="tenantId"/>, or null for an unknown token or another
    /// tenant's. A privileged operation: event <c>token.detokenized</c> (the purpose, never the value) is committed before the
    /// value is returned, so it runs outside any transaction of the caller's.
    /// </summary>
    /// <param name="purpose">Why the value is needed (e.g. <c>withdrawal payout</c>), recorded in the audit event; at most 200 characters.</param>
    public async Task<string?> DetokenizeAsync(string tenantId, string token, string purpose, CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        if (string.IsNullOrWhiteSpace(purpose) || purpose.Length > MaxPurposeLength)
        {
            throw new ArgumentException($"A detokenization states its purpose in 1 to {MaxPurposeLength} characters.", nameof(purpose));
        }
        if (session.InTransaction)
        {
            throw new InvalidOperationException(
                "Detokenize outside a transaction: its audit event commits on its own, before the value is revealed.");
        }
        if (!TokenFormat.IsWellFormed(token))
        {
            return null;
        }
        var stored = (await session.QueryAsync(TokenStore.One(tenantId, token), TokenStore.Read, cancellationToken)).SingleOrDefault();
        if (stored is null)
        {
            return null;
        }
        var value = encryption.Decrypt(stored.Ciphertext, TokenFormat.AssociatedData(stored.TenantId, stored.Kind, stored.Token));
        await session.BeginAsync(cancellationToken);
        try
        {
            audit.Record(tenantId, DetokenizedAction, ResourceType, token, before: null, after: new Detokenization(stored.Kind, purpose));
            await session.CommitAsync([], cancellationToken);
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
        return value;
    }

    /// <summary>Tokens of every tenant not yet under the active key: the work <see cref="RotateAsync"/> has left.</summary>
    public async Task<int> CountNeedingRotationAsync(CancellationToken cancellationToken)
    {
        var scope = session.TenantScope;
        session.TenantScope = DbSession.AllTenants;
        try
        {
            var count = await session.QueryAsync(TokenStore.CountNotUnder(encryption.ActiveKeyVersion), r => r.GetInt64(0), cancellationToken);
            return checked((int)count[0]);
        }
        finally
        {
            session.TenantScope = scope;
        }
    }

    /// <summary>
    /// Re-seals every token of every tenant that is not under the active key, <see cref="RotationBatchSize"/> rows per
    /// transaction in token order, and returns how many it re-sealed. Rows are independent, so it runs beside a serving
    /// server, stops anywhere without harm, and a second run re-seals nothing. Progress reports the count so far.
    /// Each batch records, in its transaction, one <see cref="RotatedAction"/> event per tenant it touched (the session's
    /// <see cref="AuditTrail.Actor"/> must be set outside a request).
    /// </summary>
    public async Task<int> RotateAsync(IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var scope = session.TenantScope;
        session.TenantScope = DbSession.AllTenants; // Coffer's own cross-tenant work
        session.Operation = "tokens.rotate";
        var active = encryption.ActiveKeyVersion;
        var after = "";
        var resealed = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (batch, lastToken) = await RotateBatchAsync(active, after, cancellationToken);
                if (lastToken is null)
                {
                    LogRotated(logger, resealed, active);
                    return resealed;
                }
                resealed += batch;
                after = lastToken;
                progress?.Report(resealed);
            }
        }
        finally
        {
            session.TenantScope = scope;
        }
    }

    /// <summary>One transaction: the next batch after <paramref name="after"/>, re-sealed. Null last token when none were left.</summary>
    private async Task<(int Resealed, string? LastToken)> RotateBatchAsync(int active, string after, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        try
        {
            var rows = await session.QueryAsync(
                TokenStore.NextNotUnder(session.Provider, active, after, RotationBatchSize), TokenStore.Read, cancellationToken);
            if (rows.Count == 0)
            {
                return (0, null);
            }
            var updates = rows.Select(row => TokenStore.Reseal(row.Token, row.KeyVersion, Reseal(row), active)).ToList();
            foreach (var tenant in rows.GroupBy(row => row.TenantId))
            {
                audit.Record(tenant.Key, RotatedAction, "data_key", active.ToString(CultureInfo.InvariantCulture), before: null,
                    after: new Rotation(active, [.. tenant.Select(row => row.KeyVersion).Distinct().Order()], tenant.Count()));
            }
            var affected = await session.CommitAsync(updates, cancellationToken);
            return (affected.Sum(), rows[^1].Token);
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    private string Reseal(StoredToken row)
    {
        try
        {
            return encryption.Reencrypt(row.Ciphertext, TokenFormat.AssociatedData(row.TenantId, row.Kind, row.Token));
        }
        catch (CryptographicException failure)
        {
            // The token names the row for the operator; it reveals nothing of the value.
            throw new CryptographicException($"Token {row.Token} (key version {row.KeyVersion}) could not be re-encrypted: {failure.Message}", failure);
        }
    }

    private static void RequireTenant(string tenantId)
    {
        if (string.IsNullOrEmpty(tenantId) || tenantId.Length > TokenFormat.MaxTenantLength)
        {
            throw new ArgumentException($"A tenant id has 1 to {TokenFormat.MaxTenantLength} characters.", nameof(tenantId));
        }
    }

    /// <summary>The audit event's after-snapshot: what was revealed and why, never the value.</summary>
    private sealed record Detokenization(string Kind, string Purpose);

    /// <summary>The after-snapshot of a rotation event: how many of the tenant's tokens moved, from which versions to which.</summary>
    private sealed record Rotation(int KeyVersion, int[] FromKeyVersions, int Tokens);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-encrypted {Count} token(s) under data key version {KeyVersion}")]
    private static partial void LogRotated(ILogger logger, int count, int keyVersion);
}
