using Coffer.Chaos.Cli;

return await ChaosCli.RunAsync(args);
