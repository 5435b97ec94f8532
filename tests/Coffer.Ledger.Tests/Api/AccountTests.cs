using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class AccountTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateWallet_ReturnsCreatedWithTheAccountShape(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);

        var response = await alice.PostJsonAsync("/api/v1/accounts", new { currency = "EUR", name = "Holiday savings" });

        var account = await response.ExpectAsync(HttpStatusCode.Created);
        var id = account.Id();
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal($"/api/v1/accounts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("alice", account.Str("ownerId"));
        Assert.Equal("EUR", account.Str("currency"));
        Assert.Equal("Holiday savings", account.Str("name"));
        Assert.Equal("wallet", account.Str("kind"));
        var balance = account.GetProperty("balance");
        Assert.Equal(0, balance.Long("posted"));
        Assert.Equal(0, balance.Long("pending"));
        Assert.Equal(0, balance.Long("available"));
        var createdAt = account.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddMinutes(1));

        var fetched = await alice.AccountAsync(id);
        Assert.Equal(id, fetched.Id());
        Assert.Equal("EUR", fetched.Str("currency"));
        Assert.Equal("Holiday savings", fetched.Str("name"));
        Assert.Equal("wallet", fetched.Str("kind"));
        Assert.Equal("alice", fetched.Str("ownerId"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateWallet_WithoutName_HasNullName(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        var account = await (await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(JsonValueKind.Null, account.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await alice.AccountAsync(account.Id())).GetProperty("name").ValueKind);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task OperatorCreatesWalletForOwner_TheOwnerSeesAndOwnsIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var bob = server.Customer("bob");

        var account = await (await ops.PostJsonAsync("/api/v1/accounts", new { currency = "USD", ownerId = "bob" }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("bob", account.Str("ownerId"));
        Assert.Equal("bob", (await bob.AccountAsync(account.Id())).Str("ownerId"));
        var bobsList = await bob.GetOkAsync("/api/v1/accounts");
        Assert.Equal(account.Id(), Assert.Single(bobsList.GetProperty("items").EnumerateArray()).Id());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CustomerCreatesWalletForSomeoneElse_Returns400AndCreatesNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();

        var response = await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD", ownerId = "bob" });

        await response.ExpectValidationErrorAsync("ownerId");
        Assert.Empty((await ops.GetOkAsync("/api/v1/accounts?ownerId=bob")).GetProperty("items").EnumerateArray());
        Assert.Empty((await ops.GetOkAsync("/api/v1/accounts")).GetProperty("items").EnumerateArray());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CustomerCreatesWalletNamingItselfAsOwner_IsAllowed(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        var account = await (await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD", ownerId = "alice" }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("alice", account.Str("ownerId"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_AsCustomer_ReturnsOnlyOwnWallets(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var mallory = server.Customer("alice", "globex"); // same subject, other tenant
        var aliceUsd = await alice.CreateWalletAsync("USD");
        var aliceEur = await alice.CreateWalletAsync("EUR");
        await bob.CreateWalletAsync("USD");
        await mallory.CreateWalletAsync("USD");

        var list = await alice.GetOkAsync("/api/v1/accounts");

        var ids = list.GetProperty("items").EnumerateArray().Select(a => a.Id()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { aliceUsd, aliceEur }, ids);
        Assert.All(list.GetProperty("items").EnumerateArray(), a => Assert.Equal("alice", a.Str("ownerId")));
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_CustomerFilteringByAnotherOwner_StillSeesOnlyOwnWallets(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var aliceWallet = await alice.CreateWalletAsync();
        await bob.CreateWalletAsync();

        var list = await alice.GetOkAsync("/api/v1/accounts?ownerId=bob");

        Assert.Equal(aliceWallet, Assert.Single(list.GetProperty("items").EnumerateArray()).Id());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_OperatorFiltersByOwner_ReturnsThatOwnersWalletsOfTheTenant(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var aliceA = await alice.CreateWalletAsync();
        var aliceB = await ops.CreateWalletAsync("GBP", ownerId: "alice");
        var bobs = await bob.CreateWalletAsync();
        await server.Customer("alice", "globex").CreateWalletAsync();

        var aliceList = await ops.GetOkAsync("/api/v1/accounts?ownerId=alice");
        var everyone = await ops.GetOkAsync("/api/v1/accounts");

        Assert.Equal(new HashSet<Guid> { aliceA, aliceB }, aliceList.GetProperty("items").EnumerateArray().Select(a => a.Id()).ToHashSet());
        Assert.Equal(new HashSet<Guid> { aliceA, aliceB, bobs }, everyone.GetProperty("items").EnumerateArray().Select(a => a.Id()).ToHashSet());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_PagedWithLimitAndCursor_ReturnsEveryWalletOnceInIdOrder(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await alice.CreateWalletAsync());
        }

        var (items, pages) = await alice.ReadAllPagesAsync("/api/v1/accounts", limit: 3);

        var ids = items.Select(a => a.Id()).ToList();
        Assert.Equal(3, pages);
        Assert.Equal(7, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(created.ToHashSet(), ids.ToHashSet());
        Assert.Equal(ids.Order().ToList(), ids); // Guid order is the cursor order the pages follow
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_LastPageExactlyFull_HasNoNextCursor(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        for (var i = 0; i < 4; i++)
        {
            await alice.CreateWalletAsync();
        }

        var first = await alice.GetOkAsync("/api/v1/accounts?limit=2");
        var second = await alice.GetOkAsync($"/api/v1/accounts?limit=2&cursor={first.Str("nextCursor")}");

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(2, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Empty(first.GetProperty("items").EnumerateArray().Select(a => a.Id())
            .Intersect(second.GetProperty("items").EnumerateArray().Select(a => a.Id())));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "0")]
    [InlineData(DatabaseProvider.Sqlite, "201")]
    [InlineData(DatabaseProvider.Postgres, "0")]
    [InlineData(DatabaseProvider.Postgres, "201")]
    public async Task ListAccounts_LimitOutOfRange_Returns400(DatabaseProvider provider, string limit)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.GetAsync($"/api/v1/accounts?limit={limit}")).ExpectValidationErrorAsync("limit");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_BadCursor_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.GetAsync("/api/v1/accounts?cursor=not-a-cursor")).ExpectValidationErrorAsync("cursor");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_CustomerAsksForSystemAccounts_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.GetAsync("/api/v1/accounts?kind=system")).ExpectValidationErrorAsync("kind");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GetAccount_AnotherCustomersWallet_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var bobs = await bob.CreateWalletAsync();

        await (await alice.GetAsync($"/api/v1/accounts/{bobs}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.GetAsync($"/api/v1/accounts/{bobs}/entries")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(bobs, (await bob.AccountAsync(bobs)).Id());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GetAccount_AnotherTenantsWallet_Returns404EvenToItsOperators(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeAlice = server.Customer("alice");
        var globexAlice = server.Customer("alice", "globex");
        var globexOps = server.Operator("globex");
        var wallet = await acmeAlice.CreateWalletAsync();

        await (await globexAlice.GetAsync($"/api/v1/accounts/{wallet}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexOps.GetAsync($"/api/v1/accounts/{wallet}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexOps.GetAsync($"/api/v1/accounts/{wallet}/entries")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GetAccount_UnknownId_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();

        await (await ops.GetAsync($"/api/v1/accounts/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GetAccount_AfterDepositAndTransfer_ShowsPostedPendingAndAvailable(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, _, wallet, other) = parties;
        await alice.TransferAsync(wallet, other, 250);
        await alice.HoldAsync(wallet, other, 100);

        var account = await alice.AccountAsync(wallet);

        var balance = account.GetProperty("balance");
        Assert.Equal(750, balance.Long("posted"));
        Assert.Equal(-100, balance.Long("pending"));
        Assert.Equal(650, balance.Long("available"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateWallet_UnknownOrMissingCurrency_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.PostJsonAsync("/api/v1/accounts", new { currency = "XYZ" })).ExpectValidationErrorAsync("currency");
        await (await alice.PostJsonAsync("/api/v1/accounts", new { name = "no currency" })).ExpectValidationErrorAsync("currency");
        Assert.Empty((await alice.GetOkAsync("/api/v1/accounts")).GetProperty("items").EnumerateArray());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateWallet_ReadBack_ReportsTheSameCreatedAtAsTheCreateResponse(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var created = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await (await alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD" })).ExpectAsync(HttpStatusCode.Created));
        }

        foreach (var account in created)
        {
            var fetched = await alice.AccountAsync(account.Id());
            Assert.Equal(account.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "abc")]
    [InlineData(DatabaseProvider.Sqlite, "1.5")]
    [InlineData(DatabaseProvider.Postgres, "abc")]
    [InlineData(DatabaseProvider.Postgres, "1.5")]
    public async Task ListAccounts_NonIntegerLimit_Returns400NamingLimit(DatabaseProvider provider, string limit)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.GetAsync($"/api/v1/accounts?limit={limit}")).ExpectValidationErrorAsync("limit");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ListAccounts_OperatorAsksForSystemAccounts_SeesTheClearingAccountOnly(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");
        await ops.DepositAsync(wallet, 1_000);

        var systems = (await ops.GetOkAsync("/api/v1/accounts?kind=system")).GetProperty("items").EnumerateArray().ToList();
        var wallets = (await ops.GetOkAsync("/api/v1/accounts")).GetProperty("items").EnumerateArray().ToList();

        var clearing = Assert.Single(systems);
        Assert.Equal(Coffer.Ledger.Accounts.SystemAccounts.IdOf("acme", "USD", "external_clearing"), clearing.Id());
        Assert.Equal("system", clearing.Str("kind"));
        Assert.Equal("external_clearing", clearing.Str("systemCode"));
        Assert.Equal(-1_000, clearing.GetProperty("balance").Long("posted"));
        Assert.Equal(wallet, Assert.Single(wallets).Id());
    }
}
