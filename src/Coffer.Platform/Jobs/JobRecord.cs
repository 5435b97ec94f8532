namespace Coffer.Platform.Jobs;

/// <summary>The <c>jobs</c> row, for the migrations model only; the code reads and writes it with <see cref="JobStore"/>.</summary>
public sealed class JobRecord
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Type { get; set; }
    public required string Status { get; set; }
    public required string Payload { get; set; }
    public string? Result { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTimeOffset NextRunAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The subject that caused the job (its owner may read it), or null for the system.</summary>
    public string? OwnerSubject { get; set; }

    /// <summary>The W3C trace context of the request that enqueued the job.</summary>
    public string? TraceParent { get; set; }

    /// <summary>When the relay handed the job to the broker (RabbitMQ transport); null while it waits in the outbox.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
