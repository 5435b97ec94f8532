namespace Coffer.Chaos.Faults;

/// <summary>The faults the harness injects.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of one server (requests in flight cut, job leases left behind), then a restart.</summary>
    ServerKill,

    /// <summary>PostgreSQL stopped (fast or immediate mode: the latter is a crash with recovery at start), then started.</summary>
    PostgresRestart,

    /// <summary>Redis shut down (rate limits and flag notices fall back), then started empty.</summary>
    RedisOutage,

    /// <summary>RabbitMQ stopped gracefully (jobs wait in the outbox), then started.</summary>
    RabbitMqOutage,

    /// <summary>The payout provider answers 503 for a while.</summary>
    ProviderErrors,

    /// <summary>The payout provider refuses new payouts (422 account_closed) for a while.</summary>
    ProviderRejections,

    /// <summary>The payout provider never answers (attempts time out) for a while.</summary>
    ProviderHang,

    /// <summary>The payout provider answers after the client gave up, having paid (the repeated key must be answered, not paid again).</summary>
    ProviderDelay,
}
