namespace Coffer.Investments;

/// <summary>The investment module's feature flags (SEEDS §A). Each is created, switched on, by the migration that introduced it.</summary>
internal static class InvestmentFlags
{
    /// <summary>Products may be created and investments placed.</summary>
    public const string ModuleEnabled = "investment_module_enabled";

    /// <summary>Investments may be executed and redeemed: the kill switch for money entering or leaving products.</summary>
    public const string ExecutionEnabled = "investment_execution_enabled";

    /// <summary>Dividends may be distributed, to one investment or pro rata over a product.</summary>
    public const string DividendsEnabled = "dividend_distribution_enabled";

    /// <summary>
    /// Calls to external partners' APIs. While off, an execution or redemption of a partnered product waits (its job retries,
    /// and is dead after its last attempt, replayable once the flag is on again); products without a partner are unaffected.
    /// </summary>
    public const string ExternalIntegrationsEnabled = "external_investment_integrations_enabled";
}
