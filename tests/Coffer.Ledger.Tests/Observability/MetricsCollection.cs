namespace Coffer.Ledger.Tests.Observability;

/// <summary>
/// Tests that read <c>/metrics</c> run alone. OpenTelemetry subscribes to instruments by meter name across the process:
/// with several test servers alive, one server's exporter can adopt another's instrument of the same name and ignore its
/// own (a production process hosts one server, so this is a test-only effect).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
