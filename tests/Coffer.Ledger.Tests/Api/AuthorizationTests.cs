using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Ledger.Tests.Api;

public sealed class AuthorizationTests
{
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static HttpClient ClientWithToken(CofferTestServer server, string token)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string DevToken(
        CofferTestServer server, string[] roles, JwtSettings? settings = null, TimeSpan? lifetime = null, TimeProvider? clock = null) =>
        TokenIssuer.Issue(DevelopmentSigningKey.LoadOrCreate(server.Database.DataDirectory), settings ?? new JwtSettings(),
            "alice", "acme", roles, lifetime ?? TimeSpan.FromHours(1), clock ?? TimeProvider.System);

    private static async Task ExpectUnauthenticatedAsync(HttpResponseMessage response)
    {
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task NoToken_Returns401Problem(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var anonymous = server.CreateClient();

        await ExpectUnauthenticatedAsync(await anonymous.GetAsync("/api/v1/accounts"));
        await ExpectUnauthenticatedAsync(await anonymous.PostJsonAsync("/api/v1/accounts", new { currency = "USD" }));
        await ExpectUnauthenticatedAsync(await anonymous.PostTransferAsync(Guid.NewGuid(), Guid.NewGuid(), 1));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "garbage")]
    [InlineData(DatabaseProvider.Sqlite, "a.b.c")]
    [InlineData(DatabaseProvider.Sqlite, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsInRlbmFudCI6ImFjbWUiLCJyb2xlIjoiY3VzdG9tZXIifQ.")]
    [InlineData(DatabaseProvider.Postgres, "garbage")]
    [InlineData(DatabaseProvider.Postgres, "a.b.c")]
    [InlineData(DatabaseProvider.Postgres, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsInRlbmFudCI6ImFjbWUiLCJyb2xlIjoiY3VzdG9tZXIifQ.")]
    public async Task GarbageOrUnsignedToken_Returns401(DatabaseProvider provider, string token)
    {
        await using var server = await CofferTestServer.StartAsync(provider);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenSignedByAnotherKey_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var foreignKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "foreign" };
        var token = TokenIssuer.Issue(foreignKey, new JwtSettings(), "alice", "acme", [Roles.Operator], TimeSpan.FromHours(1), TimeProvider.System);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).PostJsonAsync("/api/v1/accounts", new { currency = "USD" }));
        // The control: the same claims signed by the server's key are accepted.
        await (await ClientWithToken(server, DevToken(server, [Roles.Operator])).GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenWithTheDevKeyIdButAnotherKey_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var devKeyId = DevelopmentSigningKey.LoadOrCreate(server.Database.DataDirectory).KeyId;
        var impostor = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = devKeyId };
        var token = TokenIssuer.Issue(impostor, new JwtSettings(), "alice", "acme", [Roles.Customer], TimeSpan.FromHours(1), TimeProvider.System);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SymmetricHs256Token_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "coffer-dev",
            Audience = "coffer",
            Subject = new ClaimsIdentity([new Claim("sub", "alice"), new Claim("tenant", "acme"), new Claim("role", "operator")]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ExpiredToken_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var twoHoursAgo = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var token = DevToken(server, [Roles.Customer], lifetime: TimeSpan.FromHours(1), clock: twoHoursAgo);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenNotYetValid_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var inAnHour = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        var token = DevToken(server, [Roles.Customer], clock: inAnHour);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenForAnotherAudience_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var token = DevToken(server, [Roles.Customer], new JwtSettings { Audience = "someone-else" });

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenFromAnotherIssuer_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var token = DevToken(server, [Roles.Customer], new JwtSettings { Issuer = "https://evil.example" });

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, token).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PartnerOnTransfers_Returns403(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, _, from, to) = parties;
        var partner = server.ClientFor("alice", "acme", "partner");

        await (await partner.PostTransferAsync(from, to, 100))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await partner.GetAsync("/api/v1/accounts")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await partner.GetAsync($"/api/v1/accounts/{from}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(1_000, await alice.AvailableAsync(from));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AdminMovingMoney_Returns403(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var admin = server.ClientFor("root", "acme", "admin");
        var ops = server.Operator();
        var from = await ops.CreateWalletAsync(ownerId: "alice");
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 1_000);

        await (await admin.PostTransferAsync(from, to, 100))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await admin.PostDepositAsync(from, 100, "USD", "adm"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // Reading is allowed.
        Assert.Equal(1_000, await admin.AvailableAsync(from));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenWithAnUnknownRole_Returns401(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);

        await ExpectUnauthenticatedAsync(await ClientWithToken(server, DevToken(server, ["superuser"])).GetAsync("/api/v1/accounts"));
        await ExpectUnauthenticatedAsync(await ClientWithToken(server, DevToken(server, [Roles.Customer, "god"])).GetAsync("/api/v1/accounts"));
        await ExpectUnauthenticatedAsync(await ClientWithToken(server, DevToken(server, ["Operator"])).GetAsync("/api/v1/accounts"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenWithoutRoles_Returns403(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);

        await (await ClientWithToken(server, DevToken(server, [])).GetAsync("/api/v1/accounts")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task IdentityHeaders_AreIgnored(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var alices = await alice.CreateWalletAsync();
        var bobs = await bob.CreateWalletAsync();
        var spoofing = server.Customer("alice");
        spoofing.DefaultRequestHeaders.Add("X-User-Id", "bob");
        spoofing.DefaultRequestHeaders.Add("X-Tenant-Id", "globex");
        spoofing.DefaultRequestHeaders.Add("X-Role", "operator");

        var list = await spoofing.GetOkAsync("/api/v1/accounts");

        Assert.Equal(alices, Assert.Single(list.GetProperty("items").EnumerateArray()).Id());
        await (await spoofing.GetAsync($"/api/v1/accounts/{bobs}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await spoofing.PostDepositAsync(alices, 100, "USD", "spoof"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SameSubjectInAnotherTenant_IsAnotherIdentity(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeAlice = server.Customer("alice");
        var globexAlice = server.Customer("alice", "globex");
        var ops = server.Operator();
        var acmeWallet = await acmeAlice.CreateWalletAsync();
        var globexWallet = await globexAlice.CreateWalletAsync();
        await ops.DepositAsync(acmeWallet, 1_000);

        var response = await globexAlice.PostTransferAsync(acmeWallet, globexWallet, 100);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_000, await acmeAlice.AvailableAsync(acmeWallet));
        Assert.Equal(0, await globexAlice.AvailableAsync(globexWallet));
    }
}
