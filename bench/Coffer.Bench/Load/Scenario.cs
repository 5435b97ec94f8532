using Coffer.Bench.Cli;

namespace Coffer.Bench.Load;

/// <summary>The load shapes of the <c>load</c> verb.</summary>
internal enum Scenario
{
    /// <summary>POST /api/v1/transfers between uniformly random distinct wallets.</summary>
    Transfers,

    /// <summary>POST /api/v1/transfers with wallet #1 on one side of every transfer.</summary>
    Hot,

    /// <summary>POST /api/v1/transfers/batch, each batch between distinct wallets.</summary>
    Batch,

    /// <summary>Reads (balance, statement page, transfer) and single transfers in configurable proportions.</summary>
    Mixed,

    /// <summary>Investments placed and executed (job execute-investment), then one dividend fanned out over all of them.</summary>
    Invest,

    /// <summary>Wallet-paid checkouts of a stocked catalog, a burst on one scarce variant, then every order followed to paid.</summary>
    Checkout,
}

internal static class Scenarios
{
    /// <summary>The name in reports, result directories and bench/run.sh (<c>transfers-hot</c> for <see cref="Scenario.Hot"/>, as before).</summary>
    public static string NameOf(Scenario scenario) => scenario switch
    {
        Scenario.Transfers => "transfers",
        Scenario.Hot => "transfers-hot",
        Scenario.Batch => "batch",
        Scenario.Mixed => "mixed",
        Scenario.Invest => "invest",
        Scenario.Checkout => "checkout",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    public static Scenario Parse(string name) => name switch
    {
        "transfers" => Scenario.Transfers,
        "hot" or "transfers-hot" => Scenario.Hot,
        "batch" => Scenario.Batch,
        "mixed" => Scenario.Mixed,
        "invest" => Scenario.Invest,
        "checkout" => Scenario.Checkout,
        _ => throw new UsageException($"--scenario is transfers, hot, batch, mixed, invest or checkout, not '{name}'."),
    };
}
