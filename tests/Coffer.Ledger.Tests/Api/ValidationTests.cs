using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

/// <summary>Field validation of money-moving requests: every rejection is a 400 validation_failed naming the field.</summary>
public sealed class ValidationTests
{
    private static async Task<(HttpClient Alice, Guid From, Guid To)> SetUpAsync(CofferTestServer server)
    {
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var from = await alice.CreateWalletAsync();
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 1_000);
        return (alice, from, to);
    }

    private static string TransferJson(Guid from, Guid to, string amount = "100", string currency = "\"USD\"", string extra = "") =>
        $$"""{"fromAccountId":"{{from}}","toAccountId":"{{to}}","amount":{{amount}},"currency":{{currency}}{{extra}}}""";

    /// <summary>A 400 validation_failed whose errors name a field containing <paramref name="fragment"/> (JSON errors use paths like "$.amount").</summary>
    private static async Task<JsonElement> ExpectErrorMentioningAsync(HttpResponseMessage response, string fragment)
    {
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var fields = problem.ErrorFields();
        Assert.True(fields.Any(f => f.Contains(fragment, StringComparison.OrdinalIgnoreCase)),
            $"Expected an error naming '{fragment}' but got [{string.Join(", ", fields)}].");
        return problem;
    }

    private static async Task AssertNothingMovedAsync(CofferTestServer server, HttpClient alice, Guid from)
    {
        Assert.Equal(1_000, await alice.AvailableAsync(from));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "0")]
    [InlineData(DatabaseProvider.Sqlite, "-1")]
    [InlineData(DatabaseProvider.Sqlite, "-9223372036854775808")]
    [InlineData(DatabaseProvider.Postgres, "0")]
    [InlineData(DatabaseProvider.Postgres, "-1")]
    [InlineData(DatabaseProvider.Postgres, "-9223372036854775808")]
    public async Task Transfer_NonPositiveAmount_Returns400(DatabaseProvider provider, string amount)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, amount))).ExpectValidationErrorAsync("amount");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "1000000000000001")]
    [InlineData(DatabaseProvider.Sqlite, "9223372036854775807")]
    [InlineData(DatabaseProvider.Postgres, "1000000000000001")]
    [InlineData(DatabaseProvider.Postgres, "9223372036854775807")]
    public async Task Transfer_AmountAboveTenToTheFifteen_Returns400(DatabaseProvider provider, string amount)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, amount))).ExpectValidationErrorAsync("amount");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_AmountOfExactlyTenToTheFifteen_PassesValidation(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        var response = await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, "1000000000000000"));

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "\"100\"")]
    [InlineData(DatabaseProvider.Sqlite, "10.5")]
    [InlineData(DatabaseProvider.Sqlite, "100.0")]
    [InlineData(DatabaseProvider.Sqlite, "1e3")]
    [InlineData(DatabaseProvider.Sqlite, "99999999999999999999")]
    [InlineData(DatabaseProvider.Sqlite, "true")]
    [InlineData(DatabaseProvider.Postgres, "\"100\"")]
    [InlineData(DatabaseProvider.Postgres, "10.5")]
    [InlineData(DatabaseProvider.Postgres, "100.0")]
    [InlineData(DatabaseProvider.Postgres, "1e3")]
    [InlineData(DatabaseProvider.Postgres, "99999999999999999999")]
    [InlineData(DatabaseProvider.Postgres, "true")]
    public async Task Transfer_AmountNotAJsonIntegerInRange_Returns400NamingAmount(DatabaseProvider provider, string amount)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        await ExpectErrorMentioningAsync(await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, amount)), "amount");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "\"XYZ\"")]
    [InlineData(DatabaseProvider.Sqlite, "\"usd\"")]
    [InlineData(DatabaseProvider.Sqlite, "\"US\"")]
    [InlineData(DatabaseProvider.Sqlite, "\"\"")]
    [InlineData(DatabaseProvider.Postgres, "\"XYZ\"")]
    [InlineData(DatabaseProvider.Postgres, "\"usd\"")]
    [InlineData(DatabaseProvider.Postgres, "\"US\"")]
    [InlineData(DatabaseProvider.Postgres, "\"\"")]
    public async Task Transfer_UnknownCurrency_Returns400NamingCurrency(DatabaseProvider provider, string currency)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, currency: currency))).ExpectValidationErrorAsync("currency");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "{\"amount\": ")]
    [InlineData(DatabaseProvider.Sqlite, "{'amount': 1}")]
    [InlineData(DatabaseProvider.Sqlite, "not json")]
    [InlineData(DatabaseProvider.Sqlite, "[1,2]")]
    [InlineData(DatabaseProvider.Postgres, "{\"amount\": ")]
    [InlineData(DatabaseProvider.Postgres, "{'amount': 1}")]
    [InlineData(DatabaseProvider.Postgres, "not json")]
    [InlineData(DatabaseProvider.Postgres, "[1,2]")]
    public async Task Transfer_MalformedJson_Returns400ValidationFailed(DatabaseProvider provider, string body)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        var problem = await (await alice.PostRawAsync("/api/v1/transfers", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotEmpty(problem.ErrorFields());
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_UnknownProperty_Returns400NamingIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        var response = await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, extra: ",\"fee\":5"));

        await ExpectErrorMentioningAsync(response, "fee");
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_MissingFields_Returns400NamingEachOne(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        var errors = await (await alice.PostRawAsync("/api/v1/transfers", "{}")).ExpectValidationErrorAsync("amount");

        foreach (var field in new[] { "fromAccountId", "toAccountId", "amount", "currency" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}");
        }
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_OnlyTheCurrencyMissing_NamesOnlyCurrency(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        var errors = await (await alice.PostRawAsync("/api/v1/transfers",
            $$"""{"fromAccountId":"{{from}}","toAccountId":"{{to}}","amount":100}""")).ExpectValidationErrorAsync("currency");

        Assert.Equal(["currency"], errors.EnumerateObject().Select(p => p.Name));
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_EmptyOrNullBody_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        await (await alice.PostRawAsync("/api/v1/transfers", "")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.PostRawAsync("/api/v1/transfers", "null")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.PostEmptyAsync("/api/v1/transfers")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_AccountIdNotAGuid_Returns400NamingIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        var response = await alice.PostRawAsync("/api/v1/transfers",
            $$"""{"fromAccountId":"{{from}}","toAccountId":"bob's wallet","amount":100,"currency":"USD"}""");

        await ExpectErrorMentioningAsync(response, "toAccountId");
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_EmptyGuidAccount_Returns400NamingIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, Guid.Empty))).ExpectValidationErrorAsync("toAccountId");

        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_DescriptionTooLong_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        var response = await alice.PostJsonAsync("/api/v1/transfers",
            new { fromAccountId = from, toAccountId = to, amount = 1, currency = "USD", description = new string('x', 501) });

        await response.ExpectValidationErrorAsync("description");
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_TooMuchMetadata_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);
        var metadata = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v");

        var response = await alice.PostJsonAsync("/api/v1/transfers", new { fromAccountId = from, toAccountId = to, amount = 1, currency = "USD", metadata });

        await response.ExpectValidationErrorAsync("metadata");
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_SeveralBadFields_ReportsAllOfThemAtOnce(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, _) = await SetUpAsync(server);

        var errors = await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, from, "0", "\"XYZ\""))).ExpectValidationErrorAsync("amount");

        Assert.True(errors.TryGetProperty("currency", out _));
        Assert.True(errors.TryGetProperty("toAccountId", out _));
        await AssertNothingMovedAsync(server, alice, from);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_AmountAsString_Returns400NamingAmount(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (_, _, to) = await SetUpAsync(server);
        var ops = server.Operator();

        var response = await ops.PostRawAsync("/api/v1/deposits", $$"""{"accountId":"{{to}}","amount":"100","currency":"USD","externalReference":"r-1"}""");

        await ExpectErrorMentioningAsync(response, "amount");
        Assert.Equal(0, await ops.AvailableAsync(to));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateAccount_UnknownProperty_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, _, _) = await SetUpAsync(server);

        await ExpectErrorMentioningAsync(await alice.PostRawAsync("/api/v1/accounts", """{"currency":"USD","balance":1000000}"""), "balance");

        Assert.Single((await alice.GetOkAsync("/api/v1/accounts")).GetProperty("items").EnumerateArray());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Problems_ForEveryKindOfFailure_CarryTypeCodeAndTraceId(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        // One request per failure family: validation, binding, not found, business rule, auth, role, routing.
        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, "0"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.PostRawAsync("/api/v1/transfers", "{")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.GetAsync($"/api/v1/transfers/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, "5000"))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        await (await server.CreateClient().GetAsync("/api/v1/accounts")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await alice.PostDepositAsync(from, 1, "USD", "x"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await alice.GetAsync("/api/v1/no-such-endpoint")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Problems_NeverLeakStackTraces(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var (alice, from, to) = await SetUpAsync(server);

        var body = await (await alice.PostRawAsync("/api/v1/transfers", TransferJson(from, to, "\"100\""))).Content.ReadAsStringAsync();

        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Coffer.Ledger", body, StringComparison.Ordinal);
    }
}
