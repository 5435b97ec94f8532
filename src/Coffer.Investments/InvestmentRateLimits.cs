namespace Coffer.Investments;

/// <summary>The module's rate-limit policies (SEEDS §A), per user per hour; <c>Coffer:RateLimits:Policies:&lt;name&gt;</c> overrides.</summary>
internal static class InvestmentRateLimits
{
    /// <summary>POST /investment/products and the product admin actions: 10 per hour.</summary>
    public const string Products = "investment-products";

    /// <summary>POST /investment/investments: 5 per hour.</summary>
    public const string Investments = "investments";

    /// <summary>POST …/execute and …/redeem: 10 per hour together.</summary>
    public const string Execute = "investment-execute";

    /// <summary>Both dividend endpoints: 5 per hour together.</summary>
    public const string Dividends = "dividends";

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static readonly IReadOnlyList<(string Name, int Permits)> Defaults =
        [(Products, 10), (Investments, 5), (Execute, 10), (Dividends, 5)];
}
