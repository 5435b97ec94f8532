using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Platform.Time;

namespace Coffer.Platform.FeatureFlags;

/// <summary>What a change was based on: <c>If-Match</c>, if the client sent one.</summary>
public readonly record struct FlagPrecondition(bool Any, long? Version)
{
    public static FlagPrecondition None => default;

    /// <summary>Parses <c>If-Match</c>: absent, <c>*</c>, or one strong ETag as <see cref="FlagChanges.ETagOf"/> writes it.</summary>
    public static bool TryParse(string? header, out FlagPrecondition precondition)
    {
        precondition = None;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }
        if (header.Trim() == "*")
        {
            precondition = new FlagPrecondition(true, null);
            return true;
        }
        var tag = header.Trim();
        if (tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], out var version))
        {
            precondition = new FlagPrecondition(false, version);
            return true;
        }
        return false;
    }

    /// <summary>Whether a flag at <paramref name="current"/> (null: absent) satisfies the precondition.</summary>
    public bool HoldsFor(FeatureFlag? current) => Version is { } version ? current?.Version == version : !Any || current is not null;
}

/// <summary>
/// Creates, replaces and deletes flags: one transaction with the audit event (actor, before and after), then this
/// instance reloads at once and every other instance is told through Redis (or finds out at its next re-read).
/// </summary>
public sealed class FlagChanges(
    DbSession session, AuditTrail audit, RecordClock clock, FlagCache cache, FlagCatalog catalog, FlagChangeChannel? channel = null)
{
    private const int MaxAttempts = 3;

    public static string ETagOf(FeatureFlag flag) => $"\"{flag.Version}\"";

    public async Task<Outcome<(FeatureFlag Flag, bool Created)>> SaveAsync(
        Caller caller, string key, (bool Enabled, bool KillSwitch, int RolloutBasisPoints, string? Description, FlagOverrides Overrides) change,
        FlagPrecondition precondition, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var outcome = await InTransactionAsync<(FeatureFlag, bool)>(key, async current =>
        {
            if (!precondition.HoldsFor(current))
            {
                return PreconditionFailed(key);
            }
            if (current is null && cache.Current is { Count: >= FlagEndpoints.MaxFlags })
            {
                return new Failure(409, "flag_limit_reached", "Too many flags",
                    $"At most {FlagEndpoints.MaxFlags} flags may exist; delete retired ones first.");
            }
            var saved = new FeatureFlag(key, change.Description, change.Enabled, change.KillSwitch, change.RolloutBasisPoints,
                change.Overrides, (current?.Version ?? 0) + 1, current?.CreatedAt ?? now, now, caller.Subject,
                change.KillSwitch ? current?.KillSwitchSince ?? now : null);
            var statement = current is null ? FlagStore.Insert(saved) : FlagStore.Update(saved, current.Version);
            audit.Record(caller.Tenant, current is null ? "flag.created" : "flag.updated", "feature_flag", key,
                current is null ? null : FlagResponse.From(current, catalog), FlagResponse.From(saved, catalog));
            await session.CommitAsync([statement], cancellationToken);
            return (saved, current is null);
        }, cancellationToken);
        if (outcome.IsSuccess)
        {
            await AnnounceAsync(key, now, cancellationToken);
        }
        return outcome;
    }

    public async Task<Outcome<FeatureFlag>> DeleteAsync(Caller caller, string key, FlagPrecondition precondition, CancellationToken cancellationToken)
    {
        var now = clock.Now();
        var outcome = await InTransactionAsync<FeatureFlag>(key, async current =>
        {
            if (current is null)
            {
                return Failure.NotFound("flag");
            }
            if (!precondition.HoldsFor(current))
            {
                return PreconditionFailed(key);
            }
            audit.Record(caller.Tenant, "flag.deleted", "feature_flag", key, FlagResponse.From(current, catalog), after: null);
            await session.CommitAsync([FlagStore.Delete(key, current.Version)], cancellationToken);
            return current;
        }, cancellationToken);
        if (outcome.IsSuccess)
        {
            await AnnounceAsync(key, now, cancellationToken);
        }
        return outcome;
    }

    /// <summary>
    /// Reads the flag (locked on PostgreSQL; SQLite's single writer serialises anyway) and runs <paramref name="change"/>.
    /// Two first-time creations of one key race on the primary key: the loser runs again and updates instead.
    /// </summary>
    private async Task<Outcome<T>> InTransactionAsync<T>(string key, Func<FeatureFlag?, Task<Outcome<T>>> change, CancellationToken cancellationToken)
    {
        session.Operation = "flags.change";
        for (var attempt = 1; ; attempt++)
        {
            await session.BeginAsync(cancellationToken);
            try
            {
                var current = (await session.QueryAsync(FlagStore.One(session.Provider, key), FlagStore.Read, cancellationToken)).SingleOrDefault();
                return await change(current);
            }
            catch (DbFailureException failure) when (attempt < MaxAttempts && failure.Kind is DbFailureKind.UniqueViolation or DbFailureKind.Transient)
            {
                await session.RollbackAsync();
            }
            finally
            {
                await session.RollbackAsync(); // no-op after a commit
            }
        }
    }

    private async Task AnnounceAsync(string key, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        await cache.ReloadAsync(changedAt, cancellationToken);
        if (channel is not null)
        {
            await channel.PublishAsync(key, changedAt, cancellationToken);
        }
    }

    private static Failure PreconditionFailed(string key) => new(412, "precondition_failed", "Precondition failed",
        $"Flag '{key}' is not at the version If-Match names; read it again and reapply the change.");
}
