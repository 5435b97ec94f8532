using System.Security.Cryptography;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Testing;

/// <summary>The tokenization vault of a running test server, driven the way a business module drives it.</summary>
public static class TokenVault
{
    /// <summary>Settings that configure data keys (version → key) instead of the development key.</summary>
    public static Dictionary<string, string?> KeySettings(params (int Version, string Key)[] keys) =>
        keys.ToDictionary(k => $"Coffer:Protection:Keys:{k.Version}", k => (string?)k.Key);

    /// <summary>A fresh random data key, base64 as configuration carries it.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Tokenizes <paramref name="values"/> of <paramref name="tenant"/> in one committed transaction, scoped to that tenant.</summary>
    public static async Task<List<TokenizedValue>> TokenizeAsync(IServiceProvider services, string tenant, string kind, params string[] values)
    {
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        var tokenizer = scope.ServiceProvider.GetRequiredService<Tokenizer>();
        session.TenantScope = tenant;
        await session.BeginAsync(CancellationToken.None);
        var tokens = values.Select(value => tokenizer.Tokenize(tenant, kind, value)).ToList();
        await session.CommitAsync([], CancellationToken.None);
        return tokens;
    }

    /// <summary>Detokenizes as the system actor <c>system:tests</c>, in a unit of work scoped to <paramref name="tenant"/>.</summary>
    public static async Task<string?> DetokenizeAsync(IServiceProvider services, string tenant, string token, string purpose = "tests")
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DbSession>().TenantScope = tenant;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("tests");
        return await scope.ServiceProvider.GetRequiredService<Tokenizer>().DetokenizeAsync(tenant, token, purpose, CancellationToken.None);
    }
}
