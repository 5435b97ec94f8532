namespace Coffer.Chaos.Faults;

/// <summary>One planned fault: the pause before it, how long the outage lasts, which server, which PostgreSQL stop mode.</summary>
internal sealed record PlannedFault(int Number, FaultKind Kind, TimeSpan PauseBefore, TimeSpan Outage, int Node, bool Immediate);

/// <summary>
/// The seeded fault schedule: every kind once in a shuffled order, then kinds at random, one fault at a time with a pause
/// before each. Smoke runs use short pauses and outages; full runs (<c>longFaults</c>) longer ones.
/// </summary>
internal static class FaultSchedule
{
    private const int MaxFaults = 500;

    public static IReadOnlyList<PlannedFault> Create(int seed, bool longFaults, int nodeCount)
    {
        var random = new Random(unchecked(seed * 31 + 17));
        var kinds = Enum.GetValues<FaultKind>();
        var order = kinds.OrderBy(_ => random.Next()).ToList();
        while (order.Count < MaxFaults)
        {
            order.Add(kinds[random.Next(kinds.Length)]);
        }
        var scale = longFaults ? 2.5 : 1.0;
        return order.Select((kind, number) => new PlannedFault(
            number,
            kind,
            Seconds(random, longFaults ? 4 : 1.5, longFaults ? 15 : 4),
            Seconds(random, OutageRange(kind).Min * scale, OutageRange(kind).Max * scale),
            random.Next(nodeCount),
            random.Next(2) == 0)).ToList();
    }

    /// <summary>Seconds the dependency stays away (for a provider mode: how long it lasts).</summary>
    private static (double Min, double Max) OutageRange(FaultKind kind) => kind switch
    {
        FaultKind.ServerKill => (0.2, 2),
        FaultKind.PostgresRestart => (0.2, 3),
        FaultKind.RedisOutage => (2, 6),
        FaultKind.RabbitMqOutage => (2, 6),
        _ => (3, 7),
    };

    private static TimeSpan Seconds(Random random, double min, double max) => TimeSpan.FromSeconds(min + random.NextDouble() * (max - min));
}
