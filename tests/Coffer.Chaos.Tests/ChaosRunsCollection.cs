namespace Coffer.Chaos.Tests;

/// <summary>
/// Chaos runs take the machine's two cores for a minute or two each (two servers, PostgreSQL, Redis, RabbitMQ): they run one
/// after the other, never beside each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosRunsCollection
{
    public const string Name = "Chaos runs, one at a time";
}
