using System.Globalization;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;

namespace Coffer.Investments.Partners;

/// <summary>
/// The partners' sealed API keys and secrets, re-sealed under the active data key by <c>coffer keys rotate</c>: a batch of
/// partners per transaction, each row re-read under lock so a concurrent credentials change is never overwritten with an
/// older value. Runs beside serving servers; a second run finds nothing to do.
/// </summary>
internal sealed class PartnerCredentialRotation(DbSession session, PartnerCredentials credentials, AuditTrail audit) : ISealedValueRotation
{
    public const int BatchSize = 100;

    public string Name => "partner credentials";

    public async Task<int> CountNeedingRotationAsync(CancellationToken cancellationToken)
    {
        var rows = await AcrossTenants(() => session.QueryAsync(SqlStatement.Of("SELECT api_key_sealed, secret_sealed FROM investment_partners"),
            r => (ApiKey: r.GetString(0), Secret: r.GetString(1)), cancellationToken));
        return rows.Count(r => credentials.NeedsRotation(r.ApiKey) || credentials.NeedsRotation(r.Secret));
    }

    public Task<int> RotateAsync(IProgress<int>? progress, CancellationToken cancellationToken) => AcrossTenants(async () =>
    {
        session.Operation = "investment_partners.rotate";
        var resealed = 0;
        Guid? after = null;
        while (true)
        {
            await session.BeginAsync(cancellationToken);
            try
            {
                var batch = await session.QueryAsync(SqlStatement.Of(
                    $"SELECT {Partner.Columns} FROM investment_partners" + (after is null ? "" : " WHERE id > @after")
                    + $" ORDER BY id LIMIT {BatchSize}{session.Provider.ForUpdate()}", ("after", after)), Partner.Read, cancellationToken);
                if (batch.Count == 0)
                {
                    return resealed;
                }
                var stale = batch.Where(p => credentials.NeedsRotation(p.ApiKeySealed) || credentials.NeedsRotation(p.SecretSealed)).ToList();
                var updates = stale.Select(p => SqlStatement.Of(
                    "UPDATE investment_partners SET api_key_sealed = @apiKey, secret_sealed = @secret WHERE id = @id",
                    ("apiKey", credentials.Reseal(p.TenantId, p.Id, PartnerCredentials.ApiKeyField, p.ApiKeySealed)),
                    ("secret", credentials.Reseal(p.TenantId, p.Id, PartnerCredentials.SecretField, p.SecretSealed)),
                    ("id", p.Id))).ToList();
                foreach (var tenant in stale.GroupBy(p => p.TenantId))
                {
                    audit.Record(tenant.Key, "data_key.rotated", "investment_partner_credentials",
                        credentials.ActiveKeyVersion.ToString(CultureInfo.InvariantCulture), before: null,
                        after: new { partners = tenant.Select(p => p.Id) });
                }
                await session.CommitAsync(updates, cancellationToken);
                resealed += stale.Count;
                after = batch[^1].Id;
                progress?.Report(resealed);
            }
            finally
            {
                await session.RollbackAsync(); // no-op after a commit
            }
        }
    });

    private async Task<T> AcrossTenants<T>(Func<Task<T>> work)
    {
        var scope = session.TenantScope;
        session.TenantScope = DbSession.AllTenants; // Coffer's own cross-tenant work
        try
        {
            return await work();
        }
        finally
        {
            session.TenantScope = scope;
        }
    }
}
