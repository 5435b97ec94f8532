using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

/// <summary>
/// Reversals run behind flag <c>ledger_reversals_enabled</c> (created on by its migration): the gate answers 403
/// <c>feature_disabled</c> naming the flag while it is off for the operator, and moves no money.
/// </summary>
public sealed class ReversalFlagTests
{
    private const string Flag = "/api/v1/admin/flags/" + LedgerFlags.ReversalsEnabled;

    private static object State(bool enabled = true, bool killSwitch = false, object? overrides = null) =>
        new { enabled, killSwitch, rolloutPercentage = 100, overrides };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_FollowsTheFlag_KillSwitchBeatsTheOperatorsOwnOverride(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        var admin = server.PlatformAdmin();
        var operatorOverride = new { users = new[] { new { tenant = RoleClients.DefaultTenant, subject = "ops", enabled = true } } };

        // Kill switch on: even the operator's own "on" override loses.
        await (await admin.PutJsonAsync(Flag, State(killSwitch: true, overrides: operatorOverride))).ExpectAsync(HttpStatusCode.OK);
        var transfer = (await alice.TransferAsync(alices, bobs, 100)).Id();
        var refused = await (await ReverseAsync(ops, transfer)).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("feature_disabled", refused.Code());
        Assert.Equal(LedgerFlags.ReversalsEnabled, refused.GetProperty("flag").GetString());
        Assert.Equal(900, (await alice.BalanceAsync(alices)).GetProperty("posted").GetInt64());

        // Globally off, but on for this operator: the user level decides.
        await (await admin.PutJsonAsync(Flag, State(enabled: false, overrides: operatorOverride))).ExpectAsync(HttpStatusCode.OK);
        await (await ReverseAsync(ops, transfer)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1_000, (await alice.BalanceAsync(alices)).GetProperty("posted").GetInt64());

        // Globally on, but off for the operator's tenant.
        await (await admin.PutJsonAsync(Flag, State(overrides: new { tenants = new[] { new { tenant = RoleClients.DefaultTenant, enabled = false } } })))
            .ExpectAsync(HttpStatusCode.OK);
        var another = (await alice.TransferAsync(alices, bobs, 50)).Id();
        await (await ReverseAsync(ops, another)).ExpectAsync(HttpStatusCode.Forbidden);

        await (await admin.PutJsonAsync(Flag, State())).ExpectAsync(HttpStatusCode.OK);
        await (await ReverseAsync(ops, another)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeletedFlag_IsOff_AndLoggedOnce()
    {
        var capture = new LogCapture();
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 1_000, services: capture.Register);
        var (server, alice, _, ops, alices, bobs) = parties;
        await (await server.PlatformAdmin().DeleteAsync(Flag)).ExpectAsync(HttpStatusCode.NoContent);
        var transfer = (await alice.TransferAsync(alices, bobs, 100)).Id();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("feature_disabled", (await (await ReverseAsync(ops, transfer)).ExpectAsync(HttpStatusCode.Forbidden)).Code());
        }
        Assert.Single(capture.Entries, e => e.Text.Contains($"Feature flag {LedgerFlags.ReversalsEnabled} does not exist", StringComparison.Ordinal));
        var list = await (await server.PlatformAdmin().GetAsync("/api/v1/admin/flags")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(LedgerFlags.ReversalsEnabled, list.GetProperty("missing").EnumerateArray().Select(k => k.GetString()));
    }

    private static Task<HttpResponseMessage> ReverseAsync(HttpClient client, Guid transferId) =>
        client.PostJsonAsync($"/api/v1/transfers/{transferId}/reversal", new { reason = "flag test" });
}
