namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// One stored flag: the global state (<see cref="Enabled"/> for a share of subjects given by
/// <see cref="RolloutBasisPoints"/>), overrides per user, fund and tenant, and the <see cref="KillSwitch"/> that beats
/// them all. <see cref="Version"/> grows with every change (the ETag).
/// </summary>
public sealed record FeatureFlag(
    string Key,
    string? Description,
    bool Enabled,
    bool KillSwitch,
    int RolloutBasisPoints,
    FlagOverrides Overrides,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    DateTimeOffset? KillSwitchSince)
{
    /// <summary>100 % in basis points: rollout is expressed to 0.01 %.</summary>
    public const int AllBasisPoints = 10_000;
}

/// <summary>Forced values for named subjects; each wins over the levels below it.</summary>
public sealed record FlagOverrides(
    IReadOnlyList<UserOverride> Users, IReadOnlyList<FundOverride> Funds, IReadOnlyList<TenantOverride> Tenants)
{
    public static readonly FlagOverrides None = new([], [], []);

    /// <summary>Most entries one level may hold: overrides are for named exceptions, percentages are for populations.</summary>
    public const int MaxPerLevel = 1000;
}

/// <summary>A user is a subject of a tenant: subjects are only unique within their tenant.</summary>
public sealed record UserOverride(string Tenant, string Subject, bool Enabled);

/// <summary>A fund is a group of accounts, such as an investment product, named by its id.</summary>
public sealed record FundOverride(string Fund, bool Enabled);

public sealed record TenantOverride(string Tenant, bool Enabled);
