using Coffer.Platform.Identity;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// Whom a flag is evaluated for: a user of a tenant, optionally acting on a fund. Any part may be absent (a worker acting
/// for a tenant has no user).
/// </summary>
public sealed record FlagSubject(string? Tenant, string? User, string? Fund = null)
{
    /// <summary>The caller as a flag subject: its user and tenant, and the fund it acts on if any.</summary>
    public static FlagSubject Of(Caller caller, string? fund = null) => new(caller.Tenant, caller.Subject, fund);

    /// <summary>
    /// What percentage rollout is sticky to: the user where there is one, else the fund, else the tenant. Null when there
    /// is nothing to be sticky to, and then only 100 % admits.
    /// </summary>
    public string? StickyKey => User is not null && Tenant is not null ? $"user:{Tenant}:{User}"
        : Fund is not null ? $"fund:{Fund}"
        : Tenant is not null ? $"tenant:{Tenant}"
        : null;
}

/// <summary>Why a flag resolved as it did: the level that decided.</summary>
public enum FlagReason
{
    /// <summary>No such flag: disabled, fail safe.</summary>
    Missing,
    KillSwitch,
    User,
    Fund,
    Tenant,
    /// <summary>Globally enabled and the subject falls inside the rollout percentage.</summary>
    Rollout,
    /// <summary>Globally enabled but the subject falls outside the rollout percentage.</summary>
    OutsideRollout,
    /// <summary>Globally disabled and no override applies.</summary>
    Disabled,
}

/// <summary>The value of one flag for one subject, and the level that decided it.</summary>
public readonly record struct FlagDecision(string Key, bool Enabled, FlagReason Reason);
