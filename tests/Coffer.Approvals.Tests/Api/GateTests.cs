using System.Net;
using Coffer.Platform.Approvals;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>
/// The gate as a module uses it: inside its unit of work, above the threshold it gets <see cref="ApprovalRequired"/> (the request
/// committing with the caller's work), below it null; creations of the same inputs are rate-limited.
/// </summary>
public sealed class GateTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ModuleCaller_GetsApprovalRequiredAboveTheThreshold_AndNullBelowOrWithoutPolicy(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        Assert.Null(await kit.AskAsync(10_000_000)); // no policy: nothing is gated

        await kit.CreatePolicyAsync(requiredSignatures: 2, usdThreshold: 100_000, ttlSeconds: 3600);
        Assert.Null(await kit.AskAsync(99_999));
        var required = await kit.AskAsync(100_000);
        Assert.NotNull(required);
        Assert.Equal(ApprovalRequired.PendingApproval, required.Status);
        Assert.Null(await kit.AskAsync(5_000_000, operation: ApprovalOperations.WithdrawalLarge)); // another operation's policy

        var approval = await kit.ApprovalAsync(required.ApprovalId);
        Assert.Equal(("pending", "dividend.distribute", 100_000L, "USD", 2, 1L, "admin"), (approval.GetProperty("status").GetString(),
            approval.GetProperty("operation").GetString(), approval.GetProperty("amount").GetInt64(), approval.GetProperty("currency").GetString(),
            approval.GetProperty("requiredSignatures").GetInt32(), approval.GetProperty("policyVersion").GetInt64(),
            approval.GetProperty("requestedBy").GetString()));
        Assert.Equal(required.ExpiresAt, approval.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(64, approval.GetProperty("inputsHash").GetString()!.Length);
        Assert.Equal(100_000, approval.GetProperty("payload").GetProperty("amount").GetInt64());

        // An operation without an amount is gated whenever its policy exists; a currency without a threshold at any amount.
        await kit.CreatePolicyAsync(requiredSignatures: 1, operation: ApprovalOperations.PartnerCredentialsChange);
        Assert.NotNull(await kit.AskAsync(null, new { partnerId = "x" }, operation: ApprovalOperations.PartnerCredentialsChange));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ApprovalRequest_CommitsOnlyWithTheCallersUnitOfWork(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.CreatePolicyAsync(requiredSignatures: 1);

        var rolledBack = await kit.AskAsync(500_000, commit: false);

        Assert.NotNull(rolledBack);
        await (await kit.Admin.GetAsync($"/api/v1/approvals/{rolledBack.ApprovalId}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await kit.CountAsync("SELECT COUNT(*) FROM approval_requests"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SameInputs_AreRateLimitedPerInputsHash_OtherInputsAreNot(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var payload = new { productId = "p-9", amount = 700_000 };
        // The same payload with its keys in another order is the same inputs.
        var reordered = new { amount = 700_000, productId = "p-9" };

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await kit.AskAsync(700_000, i % 2 == 0 ? payload : reordered));
        }
        var limited = await Assert.ThrowsAsync<ApprovalRateLimitedException>(() => kit.AskAsync(700_000, reordered));
        Assert.Equal((ApprovalOperations.DividendDistribute, TimeSpan.FromHours(1)), (limited.Operation, limited.RetryAfter));

        Assert.NotNull(await kit.AskAsync(700_001, new { productId = "p-9", amount = 700_001 }));
        Assert.Equal(4, await kit.CountAsync("SELECT COUNT(*) FROM approval_requests"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Lists_FilterByStatusAndOperation_PageWithACursor_AndCustomersSeeOnlyTheirOwn(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var mine = await kit.PendingApprovalAsync(requestedBy: "alice");
        var others = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            others.Add(await kit.PendingApprovalAsync(amount: 300_000 + i));
        }
        await (await kit.Partner("p1").PostJsonAsync($"/api/v1/approvals/{others[0]}/rejections", null)).ExpectAsync(HttpStatusCode.OK);

        var first = await (await kit.Server.Operator().GetAsync("/api/v1/approvals?status=pending&limit=2")).ExpectAsync(HttpStatusCode.OK);
        var page1 = first.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await kit.Partner("p1").GetAsync($"/api/v1/approvals?status=pending&limit=2&cursor={Uri.EscapeDataString(cursor!)}"))
            .ExpectAsync(HttpStatusCode.OK);
        var page2 = second.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([others[2], others[1], mine], page1.Concat(page2));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var alice = kit.Server.Customer("alice");
        var own = await (await alice.GetAsync("/api/v1/approvals")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([mine], own.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
        await (await alice.GetAsync($"/api/v1/approvals/{mine}")).ExpectAsync(HttpStatusCode.OK);
        await (await alice.GetAsync($"/api/v1/approvals/{others[1]}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await kit.Server.Admin("globex").GetAsync($"/api/v1/approvals/{mine}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await kit.Admin.GetAsync("/api/v1/approvals?status=bogus")).ExpectAsync(HttpStatusCode.BadRequest);
    }
}
