namespace Coffer.Investments;

/// <summary>The ledger transfer codes the module posts with (a bounded metric label).</summary>
internal static class InvestmentTransferCodes
{
    public const string Investment = "investment";
    public const string Compensation = "investment_compensation";
    public const string Principal = "investment_principal";
    public const string Return = "investment_return";
    public const string Dividend = "dividend";
    public const string PoolFunding = "dividend_pool_funding";
}
