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
        await ExpectUnauthenticatedAsync(await anonymous.PostJsonAsync("/api/v1/transfers",
            new { fromAccountId = Guid.NewGuid(), toAccountId = Guid.NewGuid(), amount = 1, currency = "USD" }));
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
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.ClientFor("alice", "acme", "customer");
        var ops = server.ClientFor("ops", "acme", "operator");
        var partner = server.ClientFor("alice", "acme", "partner");
        var from = await alice.CreateWalletAsync();
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 1_000);

        await (await partner.PostJsonAsync("/api/v1/transfers", new { fromAccountId = from, toAccountId = to, amount = 100, currency = "USD" }))
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
        var ops = server.ClientFor("ops", "acme", "operator");
        var from = await ops.CreateWalletAsync(ownerId: "alice");
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 1_000);

        await (await admin.PostJsonAsync("/api/v1/transfers", new { fromAccountId = from, toAccountId = to, amount = 100, currency = "USD" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await admin.PostJsonAsync("/api/v1/deposits", new { accountId = from, amount = 100, currency = "USD", externalReference = "adm" }))
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
        var alice = server.ClientFor("alice", "acme", "customer");
        var bob = server.ClientFor("bob", "acme", "customer");
        var alices = await alice.CreateWalletAsync();
        var bobs = await bob.CreateWalletAsync();
        var spoofing = server.ClientFor("alice", "acme", "customer");
        spoofing.DefaultRequestHeaders.Add("X-User-Id", "bob");
        spoofing.DefaultRequestHeaders.Add("X-Tenant-Id", "globex");
        spoofing.DefaultRequestHeaders.Add("X-Role", "operator");

        var list = await spoofing.GetOkAsync("/api/v1/accounts");

        Assert.Equal(alices, Assert.Single(list.GetProperty("items").EnumerateArray()).Id());
        await (await spoofing.GetAsync($"/api/v1/accounts/{bobs}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await spoofing.PostJsonAsync("/api/v1/deposits", new { accountId = alices, amount = 100, currency = "USD", externalReference = "spoof" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SameSubjectInAnotherTenant_IsAnotherIdentity(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeAlice = server.ClientFor("alice", "acme", "customer");
        var globexAlice = server.ClientFor("alice", "globex", "customer");
        var ops = server.ClientFor("ops", "acme", "operator");
        var acmeWallet = await acmeAlice.CreateWalletAsync();
        var globexWallet = await globexAlice.CreateWalletAsync();
        await ops.DepositAsync(acmeWallet, 1_000);

        var response = await globexAlice.PostJsonAsync("/api/v1/transfers",
            new { fromAccountId = acmeWallet, toAccountId = globexWallet, amount = 100, currency = "USD" });

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_000, await acmeAlice.AvailableAsync(acmeWallet));
        Assert.Equal(0, await globexAlice.AvailableAsync(globexWallet));
    }
}
