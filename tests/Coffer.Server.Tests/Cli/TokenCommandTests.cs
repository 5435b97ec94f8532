using System.Net;
using System.Text;
using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>token --sub S --tenant T --role R [--role R2] [--ttl-minutes M]</c>, run as the operator runs it.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("coffer-token-").FullName;

    private Dictionary<string, string?> Environment => new() { ["Coffer__DataDirectory"] = _dataDirectory };

    private Task<CliResult> TokenAsync(params string[] args) => CofferProcess.RunAsync(Environment, ["token", .. args]);

    [Fact(Timeout = 60_000)]
    public async Task TokenWithTwoRoles_PrintsOnlyOneEs256JwtWithTheClaims()
    {
        var before = DateTimeOffset.UtcNow;

        var result = await TokenAsync("--sub", "s", "--tenant", "t", "--role", "customer", "--role", "operator", "--ttl-minutes", "5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines).TrimEnd('\r');
        var (header, payload) = Decode(token);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("s", payload.GetProperty("sub").GetString());
        Assert.Equal("t", payload.GetProperty("tenant").GetString());
        Assert.Equal(["customer", "operator"], payload.GetProperty("role").EnumerateArray().Select(r => r.GetString()!).Order().ToArray());
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("exp").GetInt64());
        var expected = before.AddMinutes(5);
        Assert.InRange(expiresAt, expected.AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(5));
    }

    [Fact(Timeout = 60_000)]
    public async Task ServiceTokenWithScopes_CarriesThemAsOneSpaceSeparatedScopeClaim_UnknownScopesRefused()
    {
        var result = await TokenAsync("--sub", "gateway", "--tenant", "t", "--role", "service", "--scope", "ledger:read", "--scope", "ledger:write");
        var unknown = await TokenAsync("--sub", "gateway", "--tenant", "t", "--role", "service", "--scope", "everything");

        Assert.True(result.ExitCode == 0, result.ToString());
        var (_, payload) = Decode(result.Stdout.Trim());
        Assert.Equal("ledger:read ledger:write", payload.GetProperty("scope").GetString());
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.DoesNotContain("eyJ", unknown.Stdout); // no token printed
    }

    [Fact(Timeout = 60_000)]
    public async Task TokenTwiceOnOneDataDirectory_CreatesTheKeyOnceAndReusesIt()
    {
        var keyPath = Path.Combine(_dataDirectory, "keys", "dev-signing-key.pem");
        Assert.False(File.Exists(keyPath));

        var first = await TokenAsync("--sub", "alice", "--tenant", "acme", "--role", "customer");
        var keyAfterFirst = await File.ReadAllTextAsync(keyPath);
        var second = await TokenAsync("--sub", "bob", "--tenant", "acme", "--role", "operator");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, $"{first}\n{second}");
        Assert.Equal(keyAfterFirst, await File.ReadAllTextAsync(keyPath));
        var firstKid = Decode(first.Stdout.Trim()).Header.GetProperty("kid").GetString();
        var secondKid = Decode(second.Stdout.Trim()).Header.GetProperty("kid").GetString();
        Assert.False(string.IsNullOrEmpty(firstKid));
        Assert.Equal(firstKid, secondKid);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task TokenFromTheVerb_IsAcceptedByAServerOnTheSameDataDirectory()
    {
        var minted = await TokenAsync("--sub", "alice", "--tenant", "acme", "--role", "customer");
        Assert.True(minted.ExitCode == 0, minted.ToString());
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["Coffer:DataDirectory"] = _dataDirectory });

        using var client = server.ClientWithToken(minted.Stdout.Trim());
        using var accepted = await client.GetAsync("/api/v1/accounts");
        // The same token signed by another key must be refused, or "accepted" above would prove nothing.
        var foreign = TokenIssuer.Issue(DevelopmentSigningKey.LoadOrCreate(Path.Combine(_dataDirectory, "elsewhere")),
            new JwtSettings(), "alice", "acme", ["customer"], TimeSpan.FromMinutes(5), TimeProvider.System);
        using var stranger = server.ClientWithToken(foreign);
        using var refused = await stranger.GetAsync("/api/v1/accounts");

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--sub", "s", "--tenant", "t", "--role", "superuser")]
    [InlineData("--tenant", "t", "--role", "customer")]
    [InlineData("--sub", "s", "--role", "customer")]
    [InlineData("--sub", "s", "--tenant", "t")]
    [InlineData("--sub", "s", "--tenant", "t", "--role", "customer", "--ttl-minutes", "0")]
    [InlineData("--sub", "s", "--tenant", "t", "--role", "customer", "--ttl-minutes", "1441")]
    public async Task TokenWithInvalidArguments_ExitsNonZeroAndPrintsNoToken(params string[] args)
    {
        var result = await TokenAsync(args);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.DoesNotContain("eyJ", result.Stdout, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr), "The reason belongs on stderr.");
    }

    private static (JsonElement Header, JsonElement Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return (ParseSegment(parts[0]), ParseSegment(parts[1]));
    }

    private static JsonElement ParseSegment(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64))).RootElement.Clone();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server process may still hold a file; the OS cleans temporary directories.
        }
    }
}
