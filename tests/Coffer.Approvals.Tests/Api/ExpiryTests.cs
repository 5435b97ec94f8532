using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>The TTL: the sweeper expires at the policy's TTL under the clock it is given, and signing checks the clock itself.</summary>
public sealed class ExpiryTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sweeper_ExpiresAPendingRequestAtItsTtl_NotBefore_AndAnExpiredOneCannotBeSigned(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.CreatePolicyAsync(requiredSignatures: 1); // the default TTL: 72 hours
        var approval = await kit.PendingApprovalAsync();
        var created = await kit.ApprovalAsync(approval);
        var expiresAt = created.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(72), expiresAt - created.GetProperty("createdAt").GetDateTimeOffset());

        Assert.Equal((0, 0), await kit.SweepAsync(expiresAt.AddSeconds(-1)));
        Assert.Equal("pending", (await kit.ApprovalAsync(approval)).GetProperty("status").GetString());

        Assert.Equal((1, 0), await kit.SweepAsync(expiresAt));
        Assert.Equal((0, 0), await kit.SweepAsync(expiresAt.AddHours(1))); // once

        Assert.Equal("expired", (await kit.ApprovalAsync(approval)).GetProperty("status").GetString());
        var signed = await (await kit.SignAsync("p1", approval)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(("invalid_transition", "expired"), (signed.Code(), signed.GetProperty("status").GetString()));
        Assert.Empty(kit.Executions.Executed);
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PastItsExpiry_BeforeAnySweep_SigningAndRejectingAreRefused(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var approval = await kit.PendingApprovalAsync();
        await kit.ExpireInDatabaseAsync(approval);

        var signed = await (await kit.SignAsync("p1", approval)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(("invalid_transition", "expired"), (signed.Code(), signed.GetProperty("status").GetString()));
        var rejected = await (await kit.Partner("p1").PostJsonAsync($"/api/v1/approvals/{approval}/rejections", null))
            .ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("invalid_transition", rejected.Code());
        Assert.Equal(0, await kit.CountAsync("SELECT COUNT(*) FROM approval_signatures"));
    }
}
