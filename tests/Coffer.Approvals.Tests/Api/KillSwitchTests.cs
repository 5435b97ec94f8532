using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>The kill switch holds approved operations (they stay approved, nothing executes) and they resume once it is lifted.</summary>
public sealed class KillSwitchTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KillSwitchOn_HoldsApprovedOperations_AndLiftingItReleasesEachOnce(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var first = await kit.PendingApprovalAsync(amount: 200_000);
        var second = await kit.PendingApprovalAsync(amount: 300_000);
        Assert.Equal((0, 0), await kit.SweepAsync(DateTimeOffset.UtcNow)); // nothing is held: nothing to release
        await kit.SetKillSwitchAsync(on: true);

        await (await kit.SignAsync("p1", first)).ExpectAsync(System.Net.HttpStatusCode.Created);
        await (await kit.SignAsync("p1", second)).ExpectAsync(System.Net.HttpStatusCode.Created);

        foreach (var approval in new[] { first, second })
        {
            var held = await kit.WaitForAsync(approval, a => a.GetProperty("held").GetBoolean(), "held");
            Assert.Equal("approved", held.GetProperty("status").GetString());
        }
        Assert.Equal((0, 0), await kit.SweepAsync(DateTimeOffset.UtcNow)); // still on: nothing is released
        await Task.Delay(300);
        Assert.Empty(kit.Executions.Executed);

        await kit.SetKillSwitchAsync(on: false);
        Assert.Equal((0, 2), await kit.SweepAsync(DateTimeOffset.UtcNow));
        Assert.Equal((0, 0), await kit.SweepAsync(DateTimeOffset.UtcNow));

        foreach (var approval in new[] { first, second })
        {
            var executed = await kit.WaitForAsync(approval, a => a.GetProperty("status").GetString() == "executed", "executed");
            Assert.False(executed.GetProperty("held").GetBoolean());
        }
        await Task.Delay(300);
        Assert.Equal([first, second], kit.Executions.Executed.Select(e => e.ApprovalId).Order());
        Assert.Equal(4, await kit.CountAsync("SELECT COUNT(*) FROM jobs WHERE type = 'approval.execute'"));
    }
}
