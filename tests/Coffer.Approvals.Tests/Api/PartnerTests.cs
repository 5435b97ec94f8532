using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Api;

/// <summary>Approval partners: one registration per subject and tenant, suspension and reactivation, admins only.</summary>
public sealed class PartnerTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Partner_IsRegisteredOncePerTenant_AndSignsOnlyWhileActive(DatabaseProvider provider)
    {
        await using var kit = await ApprovalKit.StartAsync(provider);
        var id = await kit.RegisterPartnerAsync("ann");
        var duplicate = await (await kit.Admin.PostJsonAsync("/api/v1/approvals/partners", new { subject = "ann", displayName = "Ann again" }))
            .ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("partner_exists", duplicate.Code());
        await kit.RegisterPartnerAsync("ann", tenant: "globex"); // the same subject in another tenant is another registration
        await (await kit.Server.Operator().PostJsonAsync("/api/v1/approvals/partners", new { subject = "bob", displayName = "Bob" }))
            .ExpectAsync(HttpStatusCode.Forbidden);
        await kit.CreatePolicyAsync(requiredSignatures: 2);
        var approval = await kit.PendingApprovalAsync();

        await (await kit.Admin.PostJsonAsync($"/api/v1/approvals/partners/{id}/status", new { status = "suspended" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("partner_suspended", (await (await kit.SignAsync("ann", approval)).ExpectAsync(HttpStatusCode.Forbidden)).Code());
        var active = await (await kit.Admin.PostJsonAsync($"/api/v1/approvals/partners/{id}/status", new { status = "active" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", active.GetProperty("status").GetString());
        await (await kit.SignAsync("ann", approval)).ExpectAsync(HttpStatusCode.Created);

        var list = await (await kit.Admin.GetAsync("/api/v1/approvals/partners")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["ann"], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("subject").GetString()));
        await (await kit.Admin.PostJsonAsync($"/api/v1/approvals/partners/{id}/status", new { status = "retired" }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(1, await kit.CountAsync("SELECT COUNT(*) FROM approval_partners WHERE tenant_id = 'acme'"));
    }
}
