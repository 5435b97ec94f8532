namespace Coffer.Chaos.Dependencies;

/// <summary>
/// The loopback ports of the harness's own dependencies, away from the shared ones (5432, 6379, 5672, 25672): from one base,
/// so a test run and a full run can go on side by side with different bases.
/// </summary>
internal sealed record ChaosPorts(int Postgres, int Redis, int Amqp, int ErlangDistribution)
{
    public const int DefaultBase = 10;

    /// <summary>Base 10: PostgreSQL 5442, Redis 6390, AMQP 5682, Erlang distribution 25682.</summary>
    public static ChaosPorts FromBase(int offset) => new(5432 + offset, 6380 + offset, 5672 + offset, 25672 + offset);

    /// <summary>The first base from <paramref name="first"/> on (at most 100 tried) whose four ports nothing listens on.</summary>
    public static async Task<ChaosPorts> FindFreeAsync(int first)
    {
        for (var offset = first; offset < first + 100; offset++)
        {
            var ports = FromBase(offset);
            var taken = await Task.WhenAll(new[] { ports.Postgres, ports.Redis, ports.Amqp, ports.ErlangDistribution }.Select(Loopback.IsOpenAsync));
            if (!taken.Any(open => open))
            {
                return ports;
            }
        }
        throw new InvalidOperationException($"No free set of chaos ports with a base from {first} to {first + 99}.");
    }

    public override string ToString() =>
        $"PostgreSQL 127.0.0.1:{Postgres}, Redis 127.0.0.1:{Redis}, RabbitMQ 127.0.0.1:{Amqp} (distribution {ErlangDistribution})";
}
