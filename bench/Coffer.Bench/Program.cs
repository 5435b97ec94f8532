using Coffer.Bench.Cli;

return await BenchCli.RunAsync(args);
