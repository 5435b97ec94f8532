using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>Signatures: distinct signers under concurrency, the quorum executing once, and who may not sign.</summary>
public sealed class SigningTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task OnePartner_SigningConcurrentlyFromManyRequests_LeavesOneSignature(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.CreatePolicyAsync(requiredSignatures: 2);
        var approval = await kit.PendingApprovalAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => kit.SignAsync("p1", approval)));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("already_signed", (await refused.ExpectAsync(HttpStatusCode.Conflict)).Code());
        }
        Assert.Equal(1, await kit.CountAsync("SELECT COUNT(*) FROM approval_signatures"));
        var read = await kit.ApprovalAsync(approval);
        Assert.Equal("pending", read.GetProperty("status").GetString());
        Assert.Equal("p1", Assert.Single(read.GetProperty("signatures").EnumerateArray()).GetProperty("subject").GetString());
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DistinctPartners_SigningConcurrently_ReachTheQuorumOnce_AndTheOperationExecutesExactlyOnce(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        var partners = new[] { "p1", "p2", "p3", "p4", "p5", "p6" };
        foreach (var partner in partners)
        {
            await kit.RegisterPartnerAsync(partner);
        }
        await kit.CreatePolicyAsync(requiredSignatures: 3);
        var approval = await kit.PendingApprovalAsync(amount: 300_000);

        var responses = await Task.WhenAll(partners.Select(p => kit.SignAsync(p, approval)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var late in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await late.ExpectAsync(HttpStatusCode.Conflict);
            Assert.Equal("invalid_transition", problem.Code());
            Assert.Contains(problem.GetProperty("status").GetString(), new[] { "approved", "executed" });
        }
        var executed = await kit.WaitForAsync(approval, a => a.GetProperty("status").GetString() == "executed", "executed");
        Assert.Equal(300_000, executed.GetProperty("result").GetProperty("distributed").GetInt64());
        Assert.Equal(3, executed.GetProperty("signatures").GetArrayLength());
        // Give a second execution, were there one, the time to happen before counting.
        await Task.Delay(500);
        var run = Assert.Single(kit.Executions.Executed);
        Assert.Equal((approval, "admin", 300_000L, "USD"), (run.ApprovalId, run.RequestedBy, run.Amount!.Value, run.Currency!));
        Assert.Equal(3, await kit.CountAsync("SELECT COUNT(*) FROM approval_signatures"));
        Assert.Equal(1, await kit.CountAsync("SELECT COUNT(*) FROM jobs WHERE type = 'approval.execute'"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SelfApproval_SuspendedPartner_NonPartner_AndOtherTenants_AreRefused(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("requester");
        var suspended = await kit.RegisterPartnerAsync("p-suspended");
        await kit.RegisterPartnerAsync("p-other-tenant", tenant: "globex");
        await (await kit.Admin.PostJsonAsync($"/api/v1/approvals/partners/{suspended}/status", new { status = "suspended" }))
            .ExpectAsync(HttpStatusCode.OK);
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var approval = await kit.PendingApprovalAsync(requestedBy: "requester");

        Assert.Equal("self_approval", (await (await kit.SignAsync("requester", approval)).ExpectAsync(HttpStatusCode.Forbidden)).Code());
        Assert.Equal("partner_suspended", (await (await kit.SignAsync("p-suspended", approval)).ExpectAsync(HttpStatusCode.Forbidden)).Code());
        Assert.Equal("not_an_approval_partner",
            (await (await kit.SignAsync("p-unregistered", approval)).ExpectAsync(HttpStatusCode.Forbidden)).Code());
        await (await kit.Server.Customer("alice").PostJsonAsync($"/api/v1/approvals/{approval}/signatures", null))
            .ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Partner("p-other-tenant", "globex").PostJsonAsync($"/api/v1/approvals/{approval}/signatures", null))
            .ExpectAsync(HttpStatusCode.NotFound);

        Assert.Equal(0, await kit.CountAsync("SELECT COUNT(*) FROM approval_signatures"));
        Assert.Equal("pending", (await kit.ApprovalAsync(approval)).GetProperty("status").GetString());
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Rejected_CannotBeSigned_AndAnExecutedApprovalCannotBeRejected(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        await kit.RegisterPartnerAsync("p1");
        await kit.RegisterPartnerAsync("p2");
        await kit.CreatePolicyAsync(requiredSignatures: 1);
        var rejected = await kit.PendingApprovalAsync(amount: 200_000);
        var executed = await kit.PendingApprovalAsync(amount: 400_000);

        var rejection = await (await kit.Partner("p1").PostJsonAsync($"/api/v1/approvals/{rejected}/rejections", new { reason = "Wrong product" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("rejected", "p1", "Wrong product"), (rejection.GetProperty("status").GetString(),
            rejection.GetProperty("rejectedBy").GetString(), rejection.GetProperty("rejectionReason").GetString()));
        var signRejected = await (await kit.SignAsync("p2", rejected)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(("invalid_transition", "rejected"), (signRejected.Code(), signRejected.GetProperty("status").GetString()));

        await (await kit.SignAsync("p1", executed)).ExpectAsync(HttpStatusCode.Created);
        await kit.WaitForAsync(executed, a => a.GetProperty("status").GetString() == "executed", "executed");
        var rejectExecuted = await (await kit.Partner("p2").PostJsonAsync($"/api/v1/approvals/{executed}/rejections", null))
            .ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(("invalid_transition", "executed"), (rejectExecuted.Code(), rejectExecuted.GetProperty("status").GetString()));
        var signExecuted = await (await kit.SignAsync("p2", executed)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("invalid_transition", signExecuted.Code());
        Assert.Single(kit.Executions.Executed);
    }
}
