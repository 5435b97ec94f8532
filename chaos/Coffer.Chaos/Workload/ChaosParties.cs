namespace Coffer.Chaos.Workload;

/// <summary>One customer wallet of the workload.</summary>
internal sealed record ChaosWallet(int Index, string Tenant, string Owner, string Currency, Guid Id);

/// <summary>
/// Who takes part: two tenants with a currency each (so conservation is checked per tenant and currency), each with an
/// operator and a handful of customers owning one wallet apiece, and an admin who creates and opens the tenant's investment
/// product and opens its shop (<see cref="ChaosShop"/>). Wallets, products and the shops' stock are set up through the API
/// before the faults start.
/// </summary>
internal sealed class ChaosParties
{
    public const int CustomersPerTenant = 5;
    public static readonly (string Tenant, string Currency)[] Tenants = [("chaos-a", "USD"), ("chaos-b", "EUR")];

    private readonly Dictionary<string, ChaosCaller> _callers;

    private ChaosParties(
        IReadOnlyList<ChaosWallet> wallets, Dictionary<string, ChaosCaller> callers, Dictionary<string, Guid> products, IReadOnlyList<ChaosVariant> variants)
    {
        Wallets = wallets;
        _callers = callers;
        Products = products;
        Variants = variants;
    }

    /// <summary>Every tenant's shop variants, with their prices and initial stock.</summary>
    public IReadOnlyList<ChaosVariant> Variants { get; }

    /// <summary>Each tenant's open investment product.</summary>
    public IReadOnlyDictionary<string, Guid> Products { get; }

    public IReadOnlyList<ChaosWallet> Wallets { get; }

    public ChaosCaller Operator(string tenant) => _callers[OperatorName(tenant)];

    public ChaosCaller Customer(ChaosWallet wallet) => _callers[$"{wallet.Tenant}/{wallet.Owner}"];

    public IEnumerable<ChaosWallet> WalletsOf(string tenant) => Wallets.Where(w => w.Tenant == tenant);

    /// <summary>Mints the tokens and opens every wallet (operator, with the owner's id), each under an idempotency key of its own.</summary>
    public static async Task<ChaosParties> OpenAsync(int seed, Func<string, string, string[], string> mint, RetryingClient client)
    {
        var callers = new Dictionary<string, ChaosCaller>();
        var wallets = new List<ChaosWallet>();
        var random = new Random(seed);
        foreach (var (tenant, currency) in Tenants)
        {
            callers[OperatorName(tenant)] = new ChaosCaller(tenant, "ops", mint("ops", tenant, ["operator"]));
            for (var i = 0; i < CustomersPerTenant; i++)
            {
                var owner = $"customer-{i}";
                callers[$"{tenant}/{owner}"] = new ChaosCaller(tenant, owner, mint(owner, tenant, ["customer"]));
                var request = ApiRequest.Post($"chaos-{seed}-open-{tenant}-{i}", "/api/v1/accounts", callers[OperatorName(tenant)],
                    new { currency, ownerId = owner, name = $"chaos wallet {i}" });
                var opened = await client.SendAsync(request, random, TimeSpan.FromSeconds(60), CancellationToken.None);
                if (opened.Kind != OutcomeKind.Succeeded || opened.Id("id") is not { } id)
                {
                    throw new InvalidOperationException($"Opening a wallet of {tenant} failed before any fault: {opened}");
                }
                wallets.Add(new ChaosWallet(wallets.Count, tenant, owner, currency, id));
            }
        }
        var products = new Dictionary<string, Guid>();
        var admins = new Dictionary<string, ChaosCaller>();
        foreach (var (tenant, currency) in Tenants)
        {
            admins[tenant] = new ChaosCaller(tenant, "admin", mint("admin", tenant, ["admin"]));
            products[tenant] = await OpenProductAsync(seed, tenant, currency, admins[tenant], client, random);
        }
        var variants = await ChaosShop.OpenAsync(seed, admins, client, random);
        return new ChaosParties(wallets, callers, products, variants);
    }

    public const long ProductMinAmount = 100;
    public const long ProductMaxAmount = 1_000_000;

    private static async Task<Guid> OpenProductAsync(int seed, string tenant, string currency, ChaosCaller admin, RetryingClient client, Random random)
    {
        var created = await client.SendAsync(ApiRequest.Post($"chaos-{seed}-product-{tenant}", "/api/v1/investment/products", admin,
                new { name = "chaos fund", currency, minAmount = ProductMinAmount, maxAmount = ProductMaxAmount, expectedAnnualReturn = 0.05m, riskLevel = "low", termDays = 365 }),
            random, TimeSpan.FromSeconds(60), CancellationToken.None);
        if (created.Kind != OutcomeKind.Succeeded || created.Id("id") is not { } id)
        {
            throw new InvalidOperationException($"Creating the investment product of {tenant} failed before any fault: {created}");
        }
        var opened = await client.SendAsync(ApiRequest.Post($"chaos-{seed}-product-{tenant}-open", $"/api/v1/investment/products/{id}/open", admin, new { }),
            random, TimeSpan.FromSeconds(60), CancellationToken.None);
        if (opened.Kind != OutcomeKind.Succeeded)
        {
            throw new InvalidOperationException($"Opening the investment product of {tenant} failed before any fault: {opened}");
        }
        return id;
    }

    private static string OperatorName(string tenant) => $"{tenant}/ops";
}
