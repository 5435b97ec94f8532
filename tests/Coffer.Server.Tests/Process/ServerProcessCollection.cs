namespace Coffer.Server.Tests.Process;

/// <summary>
/// Tests whose timing matters (kill -9 while requests are in flight) run alone, after the parallel ones,
/// so a busy two-core machine does not starve them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerProcessCollection
{
    public const string Name = "Server processes, run alone";
}
