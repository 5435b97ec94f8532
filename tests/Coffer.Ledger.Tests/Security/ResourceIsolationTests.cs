using System.Net;
using System.Net.Http.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Ledger.Tests.Security;

/// <summary>
/// Walks the route table: every endpoint that addresses one resource by id (<c>{id}</c> in its route, outside the
/// tenant-agnostic admin area) must answer 404 to another customer of the tenant and to callers of another tenant,
/// whatever their role. A new resource endpoint is covered automatically: the test fails until it knows how to create
/// the resource the route addresses.
/// </summary>
public sealed class ResourceIsolationTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryResourceEndpoint_Answers404ToOtherCustomersAndOtherTenants(DatabaseProvider provider)
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, services: ScriptedJobs.Register,
            settings: new Dictionary<string, string?> { ["Coffer:Providers:Payouts:BaseUrl"] = payouts.BaseUrl.ToString() });
        var (server, alice, bob, ops, from, to) = parties;
        // Alice's resources: her wallet, a transfer she made, and a hold she placed (payee: Bob).
        var transfer = (await alice.TransferAsync(from, to, 100)).GetProperty("id").GetGuid();
        var hold = (await (await alice.PostJsonAsync("/api/v1/holds", new
        {
            fromAccountId = from, toAccountId = to, amount = 50, currency = "USD", expiresInSeconds = 600,
        })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var job = await server.EnqueueAsync(new JobScript(), owner: "alice"); // a job Alice caused
        var withdrawal = (await (await alice.PostJsonAsync("/api/v1/withdrawals",
            new { accountId = from, amount = 10, currency = "USD", destination = new { accountNumber = "GB29NWBK60161331926819" } }))
            .ExpectAsync(HttpStatusCode.Accepted)).GetProperty("withdrawalId").GetGuid();
        // The investment module's: a draft product and a partner (the admin's), and Alice's pending investment in an open product.
        var admin = server.Admin();
        var partner = (await (await admin.PostJsonAsync("/api/v1/investment/partners",
            new { name = "Probe partner", baseUrl = "https://partner.example/", apiKey = "k-probe", secret = "s-probe" }))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var draft = await CreateProductAsync(admin);
        var open = await CreateProductAsync(admin);
        await (await admin.PostJsonAsync($"/api/v1/investment/products/{open}/open", null)).ExpectAsync(HttpStatusCode.OK);
        var investment = (await (await alice.PostJsonAsync("/api/v1/investment/investments",
            new { productId = open, accountId = from, amount = 100 })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // The approvals module's: an approval partner (the admin's), and a pending approval asked through the gate as a module
        // asks it, inside its own unit of work (no module's operation is gated over HTTP yet).
        var approvalPartner = (await (await admin.PostJsonAsync("/api/v1/approvals/partners", new { subject = "probe-signer", displayName = "Probe" }))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await admin.PutJsonAsync("/api/v1/approvals/policies/dividend.distribute",
            new { thresholds = new Dictionary<string, long>(), requiredSignatures = 1 })).ExpectAsync(HttpStatusCode.Created);
        var approval = await AskApprovalAsync(server);
        // The commerce module's: a draft catalog product (the admin's; customers see no drafts) with one variant.
        var catalogProduct = (await (await admin.PostJsonAsync("/api/v1/commerce/products", new
        {
            name = "Probe item", variants = new[] { new { sku = "PROBE-1", prices = new Dictionary<string, long> { ["USD"] = 100 } } },
        })).ExpectAsync(HttpStatusCode.Created));
        var catalogProductId = catalogProduct.GetProperty("id").GetGuid();
        var catalogVariantId = catalogProduct.GetProperty("variants")[0].GetProperty("id").GetGuid();
        // An order of Alice's, paid from her wallet, for an active product's stocked variant.
        var onSale = (await (await admin.PostJsonAsync("/api/v1/commerce/products", new
        {
            name = "Probe sale", status = "active", variants = new[] { new { sku = "PROBE-SALE", prices = new Dictionary<string, long> { ["USD"] = 10 } } },
        })).ExpectAsync(HttpStatusCode.Created)).GetProperty("variants")[0].GetProperty("id").GetGuid();
        await (await admin.PostJsonAsync($"/api/v1/commerce/inventory/{onSale}/adjustments", new { delta = 5, reason = "probe" }))
            .ExpectAsync(HttpStatusCode.OK);
        var order = (await (await alice.PostJsonAsync("/api/v1/commerce/orders", new
        {
            items = new[] { new { variantId = onSale, quantity = 1 } }, payment = new { method = "wallet", accountId = from },
        })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // The resource each route prefix addresses, and who may read it afterwards; a route not listed here fails the test.
        var resources = new Dictionary<string, (Guid Id, HttpClient Reader)>
        {
            ["/api/v1/accounts/{id}"] = (from, alice),
            ["/api/v1/transfers/{id}"] = (transfer, alice),
            ["/api/v1/holds/{id}"] = (hold, alice),
            ["/api/v1/jobs/{id}"] = (job, alice),
            ["/api/v1/withdrawals/{id}"] = (withdrawal, alice),
            ["/api/v1/investment/products/{id}"] = (draft, admin),
            ["/api/v1/investment/partners/{id}"] = (partner, admin),
            ["/api/v1/investment/investments/{id}"] = (investment, alice),
            ["/api/v1/approvals/partners/{id}"] = (approvalPartner, admin),
            ["/api/v1/approvals/{id}"] = (approval, admin),
            ["/api/v1/commerce/products/{id}"] = (catalogProductId, admin),
            ["/api/v1/commerce/inventory/{id}"] = (catalogVariantId, admin),
            ["/api/v1/commerce/orders/{id}"] = (order, alice),
        };
        // Strangers: Carol (same tenant, no relation to the resources) and every role of tenant globex.
        var strangers = new List<(string Who, HttpClient Client, string Role)>
        {
            ("carol (customer, acme)", parties.Carol, "customer"),
        };
        foreach (var role in new[] { "customer", "operator", "admin", "service", "partner" })
        {
            strangers.Add(($"{role} of globex", server.ClientFor($"globex-{role}", "globex", role), role));
        }

        var endpoints = ResourceEndpoints(server.Services);
        Assert.NotEmpty(endpoints);
        var failures = new List<string>();
        foreach (var (method, route, roles, _) in endpoints)
        {
            var prefix = resources.Keys.FirstOrDefault(p => route == p || route.StartsWith(p + "/", StringComparison.Ordinal));
            if (prefix is null)
            {
                failures.Add($"{method} {route}: no resource known for this route; add one to the test");
                continue;
            }
            var url = route.Replace("{id}", resources[prefix].Id.ToString()).Replace("{distributionId}", Guid.NewGuid().ToString())
                .Replace("{variantId}", catalogVariantId.ToString());
            foreach (var (who, client, role) in strangers)
            {
                var response = method switch
                {
                    "GET" => await client.GetAsync(url),
                    "PUT" => await PutAsync(client, url, ValidBodyFor(route)),
                    _ => await client.PostJsonAsync(url, ValidBodyFor(route)),
                };
                // A role the endpoint does not admit is turned away before the resource is looked up.
                var expected = roles.Contains(role) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden;
                if (response.StatusCode != expected)
                {
                    failures.Add($"{method} {url} as {who}: {(int)response.StatusCode}, expected {(int)expected}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The resources were real and still untouched: Alice reads each, and the hold is still pending.
        foreach (var (prefix, (id, reader)) in resources)
        {
            await (await reader.GetAsync(prefix.Replace("{id}", id.ToString()))).ExpectAsync(HttpStatusCode.OK);
        }
        var stillPending = await (await alice.GetAsync($"/api/v1/holds/{hold}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", stillPending.GetProperty("status").GetString());
        Assert.Equal("pending", (await (await alice.GetAsync($"/api/v1/investment/investments/{investment}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        Assert.Equal("draft", (await (await admin.GetAsync($"/api/v1/investment/products/{draft}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        Assert.Equal("pending", (await (await admin.GetAsync($"/api/v1/approvals/{approval}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        Assert.Equal("active", (await (await admin.GetAsync($"/api/v1/approvals/partners/{approvalPartner}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        Assert.Equal(1, (await (await admin.GetAsync($"/api/v1/commerce/products/{catalogProductId}")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("version").GetInt64());
    }

    /// <summary>A pending approval of tenant acme, requested by "root", created through the platform's gate contract.</summary>
    private static async Task<Guid> AskApprovalAsync(CofferTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = RoleClients.DefaultTenant;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("probe");
        await session.BeginAsync(CancellationToken.None);
        var required = await scope.ServiceProvider.GetRequiredService<IApprovalGate>().RequireAsync(new ApprovalAsk(
            RoleClients.DefaultTenant, ApprovalOperations.DividendDistribute, 1, "USD", new { probe = true }, "root"), CancellationToken.None);
        await session.CommitAsync([], CancellationToken.None);
        return required!.ApprovalId;
    }

    private static async Task<Guid> CreateProductAsync(HttpClient admin) =>
        (await (await admin.PostJsonAsync("/api/v1/investment/products", new
        {
            name = "Probe product", currency = "USD", minAmount = 1, maxAmount = 1_000_000, expectedAnnualReturn = 0.01m,
            riskLevel = "low", termDays = 30,
        })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>A PUT as a careful client sends it: with an Idempotency-Key, and If-Match where the resource has versions.</summary>
    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        return client.SendAsync(request);
    }

    /// <summary>A body the action accepts, so that only ownership can turn the stranger away.</summary>
    private static object ValidBodyFor(string route) => route switch
    {
        _ when route.EndsWith("/reversal", StringComparison.Ordinal) => new { reason = "probe" },
        _ when route.EndsWith("/capture", StringComparison.Ordinal) => new { amount = 1 },
        _ when route.EndsWith("/investments/{id}/dividends", StringComparison.Ordinal) => new { amount = 1, currency = "USD", reference = "probe" },
        _ when route.EndsWith("/products/{id}/dividends", StringComparison.Ordinal) => new { totalAmount = 1, currency = "USD", reference = "probe" },
        _ when route.EndsWith("/dividend-pool/fundings", StringComparison.Ordinal) => new { amount = 1, currency = "USD", externalReference = "probe" },
        _ when route.EndsWith("/credentials", StringComparison.Ordinal) => new { apiKey = "k", secret = "s" },
        _ when route.EndsWith("/status", StringComparison.Ordinal) => new { status = "suspended" },
        _ when route.EndsWith("/reserve-policy", StringComparison.Ordinal) => new { ratio = 0.1m },
        _ when route.EndsWith("/commerce/products/{id}", StringComparison.Ordinal) => new { name = "Probe", status = "active" },
        _ when route.EndsWith("/inventory/{id}/adjustments", StringComparison.Ordinal) => new { delta = 1, reason = "probe" },
        _ when route.EndsWith("/inventory/{id}/threshold", StringComparison.Ordinal) => new { lowStockThreshold = 1 },
        _ when route.EndsWith("/orders/{id}/transitions", StringComparison.Ordinal) => new { status = "cancelled" },
        _ when route.EndsWith("/orders/{id}/refunds", StringComparison.Ordinal) => new { reason = "probe" },
        _ when route.EndsWith("/variants/{variantId}/prices", StringComparison.Ordinal) => new { prices = new Dictionary<string, long> { ["USD"] = 1 } },
        _ when route.EndsWith("/investment/products/{id}", StringComparison.Ordinal) => new
        {
            name = "Probe", minAmount = 1, maxAmount = 10, expectedAnnualReturn = 0.01m, riskLevel = "low", termDays = 30,
        },
        _ => new { },
    };

    /// <summary>Endpoints addressing one resource by id, outside the tenant-agnostic admin area.</summary>
    private static List<MappedEndpoint> ResourceEndpoints(IServiceProvider services) => RouteTable.Endpoints(services)
        .Where(e => e.Route.StartsWith("/api/v1/", StringComparison.Ordinal) && e.Route.Contains("{id}", StringComparison.Ordinal)
            && !e.Route.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
        .ToList();
}
