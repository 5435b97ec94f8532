namespace Coffer.Platform.FeatureFlags;

/// <summary>A flag with its overrides indexed for evaluation.</summary>
public sealed class CompiledFlag
{
    public CompiledFlag(FeatureFlag definition)
    {
        Definition = definition;
        Users = definition.Overrides.Users.ToDictionary(u => (u.Tenant, u.Subject), u => u.Enabled);
        Funds = definition.Overrides.Funds.ToDictionary(f => f.Fund, f => f.Enabled, StringComparer.OrdinalIgnoreCase);
        Tenants = definition.Overrides.Tenants.ToDictionary(t => t.Tenant, t => t.Enabled, StringComparer.Ordinal);
    }

    public FeatureFlag Definition { get; }
    public IReadOnlyDictionary<(string Tenant, string Subject), bool> Users { get; }
    public IReadOnlyDictionary<string, bool> Funds { get; }
    public IReadOnlyDictionary<string, bool> Tenants { get; }
}

/// <summary>
/// Every flag as read at one moment. Immutable: a request evaluates all its flags against one snapshot, so two flags
/// changed together are never seen half-changed.
/// </summary>
public sealed class FlagSnapshot
{
    private readonly Dictionary<string, CompiledFlag> _flags;

    public FlagSnapshot(IEnumerable<FeatureFlag> flags, DateTimeOffset loadedAt)
    {
        _flags = flags.ToDictionary(f => f.Key, f => new CompiledFlag(f), StringComparer.Ordinal);
        LoadedAt = loadedAt;
    }

    public static FlagSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    public DateTimeOffset LoadedAt { get; }
    public IEnumerable<FeatureFlag> Flags => _flags.Values.Select(f => f.Definition);
    public int Count => _flags.Count;

    public CompiledFlag? Find(string key) => _flags.GetValueOrDefault(key);

    public FlagDecision Evaluate(string key, FlagSubject subject) => FlagResolution.Resolve(key, Find(key), subject);
}
