using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// How a flag resolves for a subject, in this order: kill switch (off, whatever else says) → user override → fund
/// override → tenant override → global (enabled, and the subject's bucket inside the rollout percentage).
/// Pure: no clock, no I/O.
/// </summary>
public static class FlagResolution
{
    public static FlagDecision Resolve(string key, CompiledFlag? flag, FlagSubject subject)
    {
        if (flag is null)
        {
            return new FlagDecision(key, false, FlagReason.Missing);
        }
        var definition = flag.Definition;
        if (definition.KillSwitch)
        {
            return new FlagDecision(key, false, FlagReason.KillSwitch);
        }
        if (subject is { Tenant: { } tenant, User: { } user } && flag.Users.TryGetValue((tenant, user), out var byUser))
        {
            return new FlagDecision(key, byUser, FlagReason.User);
        }
        if (subject.Fund is { } fund && flag.Funds.TryGetValue(fund, out var byFund))
        {
            return new FlagDecision(key, byFund, FlagReason.Fund);
        }
        if (subject.Tenant is { } org && flag.Tenants.TryGetValue(org, out var byTenant))
        {
            return new FlagDecision(key, byTenant, FlagReason.Tenant);
        }
        if (!definition.Enabled)
        {
            return new FlagDecision(key, false, FlagReason.Disabled);
        }
        return InRollout(key, subject, definition.RolloutBasisPoints)
            ? new FlagDecision(key, true, FlagReason.Rollout)
            : new FlagDecision(key, false, FlagReason.OutsideRollout);
    }

    /// <summary>
    /// A subject is in when its bucket (0–9999, fixed for the pair of flag and subject) is below the rollout: raising the
    /// percentage only ever adds subjects (monotonic), and a subject's answer never flips between requests (sticky).
    /// The flag key is part of the hash, so the first 5 % of one flag are not the first 5 % of every flag.
    /// </summary>
    public static bool InRollout(string key, FlagSubject subject, int rolloutBasisPoints) =>
        rolloutBasisPoints >= FeatureFlag.AllBasisPoints
        || (rolloutBasisPoints > 0 && subject.StickyKey is { } sticky && Bucket(key, sticky) < rolloutBasisPoints);

    public static int Bucket(string key, string stickyKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\n{stickyKey}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % FeatureFlag.AllBasisPoints);
    }
}
