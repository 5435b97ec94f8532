using Coffer.Bench.Jobs;
using Coffer.Bench.Load;
using Coffer.Bench.Pgbench;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.Cli;

/// <summary>The verbs of the load generator. bench/run.sh strings them together into one scenario.</summary>
internal static class BenchCli
{
    public const string Usage =
        """
        Coffer.Bench: load generator and raw-SQL baseline runner for Coffer.

          load        Seed wallets over the API, drive one scenario for a fixed time, then verify the money.
                      (transfers is the same verb with --scenario transfers.)
            --scenario S              transfers (POST /api/v1/transfers, uniform random pairs; the default), hot (one
                                      hot wallet on one side of every transfer), batch (POST /api/v1/transfers/batch),
                                      mixed (reads and transfers in proportions), invest (place + execute investments,
                                      then one product dividend over them; the token needs roles operator and admin),
                                      checkout (wallet checkouts of a stocked catalog, a burst on one scarce variant,
                                      every order followed to paid; roles operator and admin, and --data-dir)
            --url URL                 server base address (default http://127.0.0.1:5080)
            --token TOKEN | --token-file PATH   operator JWT of the tenant (coffer token --role operator)
            --connections C           concurrent connections and workers (default 64)
            --duration T              measured seconds (default 30)
            --warmup W                unmeasured seconds before (default 5)
            --accounts N              wallets to seed (default 1000; batch needs at least 2 x batch size)
            --deposit AMOUNT          minor units deposited into each wallet (default 1000000000)
            --currency CUR            (default USD)
            --hot                     the same as --scenario hot
            --batch-size B            transfers per batch request (default 100, at most 1000)
            --mix K=W,...             mixed weights of get-account, get-entries, get-transfer, post-transfer
                                      (default get-account=40,get-entries=20,get-transfer=20,post-transfer=20)
            --timeout S               per-request timeout in seconds (default 30)
            --server-pid PID          measure this process's CPU and peak RSS (Linux /proc)
            --db CONNECTION           also count persisted transfers in the database: a PostgreSQL
                                      connection string (Host=...) or a SQLite one (Data Source=...)
            --skip-statements         do not re-count transfers from the account statements
            --label TEXT              a name for this run in the report (e.g. postgres)
            --json PATH               write the result as JSON
            --accounts-out PATH       write the seeded wallet ids, one per line (for pgbench's bench_accounts)
            --variants V              checkout: variants with plenty of stock (default 20, at most 50); --accounts
                                      is the number of customers
            --hot-stock N             checkout: units of the hot variant (default 50)
            --hot-checkouts N         checkout: one-unit checkouts of it released at once (default 200)
            --data-dir DIR            checkout: the server's data directory, whose development key signs the
                                      customers' tokens
            --tenant T                checkout: the operator token's tenant (default bench)

          pgbench     Run pgbench with a script, measure CPU, and report tps and latency percentiles.
            --script PATH[@WEIGHT][,PATH@WEIGHT...]   one script, or weighted scripts (pgbench -f path@weight)
            --kinds NAME,...          a name per script: per-kind rates and latencies (the mixed scenario)
            --batch-size B            transfers per pgbench transaction: reports tps x B transfers/s (default 1)
            --define NAME=VALUE,...   more pgbench variables (-D) besides accounts and hot
            --connections C  --threads J  --duration T  --warmup W  --accounts N
            --hot 0|1  --rate N (pgbench -R, 0 = unthrottled)  --log-dir DIR (per-transaction logs)
            --json PATH  --label TEXT  --scenario NAME

          pgbench-script   Write the batch scenario's pgbench script (the server's statements for one batch).
            --batch-size B  --out PATH
            --per-row                 the earlier shape: one INSERT per transfer, one UPDATE per account
            (connection: the standard PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE)

          jobs        Host Coffer in this process with a no-op job type and measure jobs per second end to end
                      (enqueue → transport → claim → success committed), for the transport the environment selects.
            --jobs N                  jobs measured (default 20000)
            --batch B                 jobs per enqueue transaction (default 100)
            --warmup W                jobs run first, not measured (default 2000)
            --idle I                  jobs run one at a time on the idle system, for the pickup latency (default 200)
            --timeout S               give up after S seconds (default 600)
            --label TEXT  --json PATH
            (the server's configuration is the environment's, as for coffer serve: Coffer__Database__Provider,
             ConnectionStrings__Coffer, Coffer__Jobs__Transport, Coffer__RabbitMq__Uri, Coffer__Jobs__Concurrency ...;
             the schema must be migrated)

          compare     Print Coffer against the pgbench baseline and the design targets.
            --coffer PATH.json  [--pgbench PATH.json]  [--out PATH.txt]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var options = new ArgumentReader(args.Skip(1));
            return args[0] switch
            {
                "load" => await LoadCommand.RunAsync(LoadOptions.Read(options)),
                "transfers" => await LoadCommand.RunAsync(LoadOptions.Read(options, Scenario.Transfers)),
                "pgbench" => await PgbenchCommand.RunAsync(PgbenchOptions.Read(options)),
                "pgbench-script" => PgbenchScriptCommand.Run(PgbenchScriptOptions.Read(options)),
                "jobs" => await JobsCommand.RunAsync(JobsOptions.Read(options)),
                "compare" => CompareCommand.Run(CompareOptions.Read(options)),
                _ => throw new UsageException($"Unknown verb '{args[0]}'."),
            };
        }
        catch (UsageException mistake)
        {
            await Console.Error.WriteLineAsync($"error: {mistake.Message}\n\n{Usage}");
            return 2;
        }
        catch (HttpRequestException failure)
        {
            // Seeding and verification need every call to succeed: a refused connection or an
            // unexpected status ends the run with the reason, not a stack trace.
            await Console.Error.WriteLineAsync($"error: {failure.Message}");
            return 3;
        }
    }
}
