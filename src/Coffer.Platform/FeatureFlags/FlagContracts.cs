using Coffer.Platform.Results;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// <c>PUT /api/v1/admin/flags/{key}</c>: the whole flag (a PUT replaces it). <c>enabled</c>, <c>killSwitch</c> and
/// <c>rolloutPercentage</c> are required, so that no change switches a kill switch off by leaving it out.
/// </summary>
public sealed record FlagRequest(
    bool? Enabled, bool? KillSwitch, decimal? RolloutPercentage, string? Description = null, FlagOverridesRequest? Overrides = null)
{
    public const int MaxDescriptionLength = 500;

    /// <summary>Validates the request into the flag's new state, or collects every invalid field.</summary>
    public (bool Enabled, bool KillSwitch, int RolloutBasisPoints, string? Description, FlagOverrides Overrides)? Validate(ValidationErrors errors)
    {
        var enabled = errors.Required("enabled", Enabled);
        var killSwitch = errors.Required("killSwitch", KillSwitch);
        var percentage = errors.Required("rolloutPercentage", RolloutPercentage);
        if (percentage is < 0 or > 100 || (percentage is { } p && decimal.Round(p, 2) != p))
        {
            errors.Add("rolloutPercentage", "From 0 to 100, in steps of 0.01.");
        }
        var description = errors.OptionalText("description", Description, MaxDescriptionLength);
        var overrides = (Overrides ?? new FlagOverridesRequest(null, null, null)).Validate(errors);
        return errors.Any ? null : (enabled!.Value, killSwitch!.Value, (int)(percentage!.Value * 100), description, overrides);
    }
}

public sealed record FlagOverridesRequest(
    IReadOnlyList<UserOverrideRequest>? Users, IReadOnlyList<FundOverrideRequest>? Funds, IReadOnlyList<TenantOverrideRequest>? Tenants)
{
    public FlagOverrides Validate(ValidationErrors errors)
    {
        var users = Level(errors, "overrides.users", Users, u => (u.Tenant, u.Subject), (u, field) =>
            new UserOverride(Text(errors, $"{field}.tenant", u.Tenant, 64), Text(errors, $"{field}.subject", u.Subject, 255),
                errors.Required($"{field}.enabled", u.Enabled) ?? false));
        var funds = Level(errors, "overrides.funds", Funds, f => (f.Fund?.ToLowerInvariant(), ""), (f, field) =>
            new FundOverride(Text(errors, $"{field}.fund", f.Fund, 64), errors.Required($"{field}.enabled", f.Enabled) ?? false));
        var tenants = Level(errors, "overrides.tenants", Tenants, t => (t.Tenant, ""), (t, field) =>
            new TenantOverride(Text(errors, $"{field}.tenant", t.Tenant, 64), errors.Required($"{field}.enabled", t.Enabled) ?? false));
        return new FlagOverrides(users, funds, tenants);
    }

    private static List<TOut> Level<TIn, TOut>(ValidationErrors errors, string field, IReadOnlyList<TIn>? items,
        Func<TIn, (string?, string?)> identity, Func<TIn, string, TOut> validate)
    {
        items ??= [];
        if (items.Count > FlagOverrides.MaxPerLevel)
        {
            errors.Add(field, $"At most {FlagOverrides.MaxPerLevel} overrides.");
            return [];
        }
        var duplicates = items.GroupBy(identity).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            errors.Add(field, "Each subject at most once.");
        }
        return items.Select((item, index) => validate(item, $"{field}[{index}]")).ToList();
    }

    private static string Text(ValidationErrors errors, string field, string? value, int maxLength) =>
        errors.RequiredText(field, value, maxLength) ?? "";
}

public sealed record UserOverrideRequest(string? Tenant, string? Subject, bool? Enabled);

public sealed record FundOverrideRequest(string? Fund, bool? Enabled);

public sealed record TenantOverrideRequest(string? Tenant, bool? Enabled);

/// <summary>A flag as administrators read it. <c>declared</c>: the running code asks for it.</summary>
public sealed record FlagResponse(
    string Key, string? Description, bool Enabled, bool KillSwitch, decimal RolloutPercentage, FlagOverrides Overrides,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UpdatedBy, DateTimeOffset? KillSwitchSince, bool Declared)
{
    public static FlagResponse From(FeatureFlag flag, FlagCatalog catalog) => new(
        flag.Key, flag.Description, flag.Enabled, flag.KillSwitch, flag.RolloutBasisPoints / 100m, flag.Overrides, flag.Version,
        flag.CreatedAt, flag.UpdatedAt, flag.UpdatedBy, flag.KillSwitchSince, catalog.IsDeclared(flag.Key));
}

/// <summary>
/// Every stored flag, and <c>missing</c>: the flags the running code declares that are not stored, which are therefore
/// off for everyone.
/// </summary>
public sealed record FlagList(IReadOnlyList<FlagResponse> Items, IReadOnlyList<string> Missing);

/// <summary>One flag's value for the caller and the level that decided it (snake_case reason).</summary>
public sealed record FlagEvaluation(string Key, bool Enabled, string Reason);

public sealed record FlagEvaluations(IReadOnlyList<FlagEvaluation> Items);
