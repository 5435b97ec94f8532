using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.FeatureFlags;

/// <summary>A flag the running code asks for, declared by the module that owns it (<see cref="FeatureFlagSetup.AddFeatureFlag"/>).</summary>
public sealed record FlagDeclaration(string Key, string Description);

/// <summary>
/// The flags the code declares. Stored flags are the truth at run time (a declared flag that is not stored is off), but
/// an endpoint may only require a declared flag, checked at start-up, so that a misspelt key fails the deployment rather
/// than silently switching a feature off.
/// </summary>
public sealed partial class FlagCatalog(IEnumerable<FlagDeclaration> declarations)
{
    public const int MaxKeyLength = 64;

    private readonly Dictionary<string, FlagDeclaration> _declared = declarations.ToDictionary(d => d.Key, StringComparer.Ordinal);

    public IReadOnlyCollection<FlagDeclaration> Declared => _declared.Values;

    public bool IsDeclared(string key) => _declared.ContainsKey(key);

    /// <summary>Lower-case letters, digits, '_', '.' and '-', starting with a letter, at most 64 characters.</summary>
    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,63}$")]
    private static partial Regex KeyPattern();
}

/// <summary>
/// Fails start-up when an endpoint requires a flag no module declares. A start-up filter, not a hosted service: the
/// application's endpoints reach the routing's data source only once its pipeline is built, after the other hosted
/// services have started (a hosted service saw none, so it never failed); the check runs right then, before the server listens.
/// </summary>
internal sealed class FlagGateValidation(FlagCatalog catalog, EndpointDataSource? endpoints = null) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        Validate();
    };

    public void Validate()
    {
        var unknown = (endpoints?.Endpoints ?? [])
            .SelectMany(e => e.Metadata.OfType<RequiresFeatureMetadata>().Select(m => (Endpoint: e.DisplayName, m.Key)))
            .Where(x => !catalog.IsDeclared(x.Key))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException("Endpoints require undeclared feature flags: "
                + string.Join("; ", unknown.Select(x => $"{x.Endpoint} requires '{x.Key}'"))
                + ". Declare each with services.AddFeatureFlag(key, description).");
        }
    }
}
