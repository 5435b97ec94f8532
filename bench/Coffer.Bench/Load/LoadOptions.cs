using Coffer.Bench.Cli;
using Coffer.Bench.Workloads;

namespace Coffer.Bench.Load;

/// <summary>What the <c>load</c> verb runs. See <see cref="BenchCli.Usage"/>.</summary>
internal sealed record LoadOptions
{
    public required Uri Url { get; init; }
    public required string Token { get; init; }
    public Scenario Scenario { get; init; } = Scenario.Transfers;
    public int Connections { get; init; } = 64;
    public int DurationSeconds { get; init; } = 30;
    public int WarmupSeconds { get; init; } = 5;
    public int Accounts { get; init; } = 1000;
    public long DepositMinor { get; init; } = 1_000_000_000;
    public string Currency { get; init; } = "USD";
    public int BatchSize { get; init; } = BatchWorkload.DefaultSize;
    public OperationMix Mix { get; init; } = OperationMix.Default;
    public int TimeoutSeconds { get; init; } = 30;
    public int? ServerPid { get; init; }
    public string? DatabaseConnection { get; init; }
    public bool CountStatements { get; init; } = true;
    public string Label { get; init; } = "";
    public string? JsonPath { get; init; }
    public string? AccountsOutPath { get; init; }
    /// <summary>The checkout scenario's catalog: variants with plenty of stock.</summary>
    public int Variants { get; init; } = 20;
    /// <summary>The checkout scenario's scarce variant: its units, and how many one-unit checkouts race for them at once.</summary>
    public int HotStock { get; init; } = 50;
    public int HotCheckouts { get; init; } = 200;
    /// <summary>Where the server's development signing key is (its data directory): the checkout scenario mints customer tokens with it.</summary>
    public string? DataDirectory { get; init; }
    public string Tenant { get; init; } = "bench";

    /// <summary>Each transfer moves one minor unit, so counts and sums of amounts coincide.</summary>
    public const long TransferAmountMinor = 1;

    public static LoadOptions Read(ArgumentReader args, Scenario? fixedScenario = null)
    {
        var tokenText = args.Text("token");
        var tokenFile = args.Text("token-file");
        if ((tokenText is null) == (tokenFile is null))
        {
            throw new UsageException("Give exactly one of --token and --token-file.");
        }
        var token = (tokenText ?? File.ReadAllText(tokenFile!)).Trim();
        var serverPid = args.Int("server-pid", 0, 0, int.MaxValue);
        var scenario = fixedScenario ?? Scenarios.Parse(args.Text("scenario", "transfers"));
        if (args.Flag("hot"))
        {
            scenario = scenario == Scenario.Transfers ? Scenario.Hot : throw new UsageException("--hot goes with the transfers scenario only.");
        }
        var options = new LoadOptions
        {
            Url = new Uri(args.Text("url", "http://127.0.0.1:5080")),
            Token = token,
            Scenario = scenario,
            Connections = args.Int("connections", 64, 1, 4096),
            DurationSeconds = args.Int("duration", 30, 1, 24 * 3600),
            WarmupSeconds = args.Int("warmup", 5, 0, 3600),
            Accounts = args.Int("accounts", 1000, 2, 1_000_000),
            DepositMinor = args.Long("deposit", 1_000_000_000, 1, 1_000_000_000_000),
            Currency = args.Text("currency", "USD"),
            BatchSize = args.Int("batch-size", BatchWorkload.DefaultSize, 1, BatchWorkload.MaxSize),
            Mix = OperationMix.Parse(args.Text("mix")),
            TimeoutSeconds = args.Int("timeout", 30, 1, 600),
            ServerPid = serverPid == 0 ? null : serverPid,
            DatabaseConnection = args.Text("db"),
            CountStatements = !args.Flag("skip-statements"),
            Label = args.Text("label", ""),
            JsonPath = args.Text("json"),
            AccountsOutPath = args.Text("accounts-out"),
            Variants = args.Int("variants", 20, 1, 50),
            HotStock = args.Int("hot-stock", 50, 1, 100_000),
            HotCheckouts = args.Int("hot-checkouts", 200, 1, 1000),
            DataDirectory = args.Text("data-dir"),
            Tenant = args.Text("tenant", "bench"),
        };
        args.EnsureAllConsumed();
        if (options.Scenario == Scenario.Batch && options.Accounts / options.Connections < 2 * options.BatchSize)
        {
            throw new UsageException(
                $"A batch of {options.BatchSize} moves money between {2 * options.BatchSize} distinct wallets of its worker's own share: "
                + $"--accounts must be at least {2 * options.BatchSize * options.Connections} for {options.Connections} connections.");
        }
        if (options.Scenario == Scenario.Checkout && options.DataDirectory is null)
        {
            throw new UsageException("The checkout scenario mints its customers' tokens: --data-dir is the server's data directory (its development key).");
        }
        return options;
    }
}
