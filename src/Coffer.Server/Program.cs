using Coffer.Server.Cli;

return await CofferCli.RunAsync(args);

/// <summary>The entry point, visible to <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
