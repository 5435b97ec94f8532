using Coffer.Platform.Persistence;

namespace Coffer.Platform.Jobs;

/// <summary>The SQL of the <c>jobs</c> table. Every state change is guarded by the state (and lease) it expects.</summary>
internal static class JobStore
{
    public static SqlStatement Insert(Job job) => SqlStatement.Tagged("jobs.insert",
        $"""
        INSERT INTO jobs ({Job.Columns})
        VALUES (@id, @tenant, @type, @status, @payload, NULL, 0, @maxAttempts, @nextRunAt, NULL, NULL, NULL, @owner, @trace, NULL,
            @now, @now, NULL)
        """,
        ("id", job.Id), ("tenant", job.TenantId), ("type", job.Type), ("status", JobStatus.Queued), ("payload", job.Payload),
        ("maxAttempts", job.MaxAttempts), ("nextRunAt", job.NextRunAt), ("owner", job.OwnerSubject), ("trace", job.TraceParent),
        ("now", job.CreatedAt));

    /// <summary>
    /// What "due" means everywhere: queued or failed jobs whose time has come, and running jobs whose lease expired (their
    /// worker died).
    /// </summary>
    private const string Due =
        $"((status IN ('{JobStatus.Queued}', '{JobStatus.Failed}') AND next_run_at <= @now) OR (status = '{JobStatus.Running}' AND lease_expires_at < @now))";

    private const string Lease =
        $"status = '{JobStatus.Running}', attempts = attempts + 1, lease_owner = @owner, lease_expires_at = @leaseUntil, updated_at = @now";

    /// <summary>
    /// Takes up to <paramref name="limit"/> due jobs — queued or failed ones whose time has come, and running ones whose
    /// lease expired (their worker died) — and leases them to <paramref name="owner"/>, counting the attempt.
    /// PostgreSQL skips rows other workers are claiming; SQLite's single writer serialises claims.
    /// </summary>
    public static SqlStatement Claim(DatabaseProvider provider, string owner, int limit, DateTimeOffset now, TimeSpan lease) => SqlStatement.Tagged(
        "jobs.claim",
        provider == DatabaseProvider.Postgres
            // One ordered, limited range of the (status, next_run_at) index per kind of due job, each locked with SKIP
            // LOCKED: a single "due" predicate ORed across statuses cannot be read in next_run_at order from the index,
            // so PostgreSQL scanned and sorted every due row on every claim (8 ms at 22,000 queued). At most 3 × limit
            // rows are locked, and the ones not taken are released with the claim's commit.
            ? $"""
              WITH queued AS (
                  SELECT id, next_run_at FROM jobs WHERE status = '{JobStatus.Queued}' AND next_run_at <= @now
                  ORDER BY next_run_at LIMIT @limit FOR UPDATE SKIP LOCKED),
              failed AS (
                  SELECT id, next_run_at FROM jobs WHERE status = '{JobStatus.Failed}' AND next_run_at <= @now
                  ORDER BY next_run_at LIMIT @limit FOR UPDATE SKIP LOCKED),
              expired AS (
                  SELECT id, next_run_at FROM jobs WHERE status = '{JobStatus.Running}' AND lease_expires_at < @now
                  ORDER BY next_run_at LIMIT @limit FOR UPDATE SKIP LOCKED)
              UPDATE jobs SET {Lease}
              WHERE {Due} AND id IN (
                  SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM failed UNION ALL SELECT * FROM expired) due
                  ORDER BY next_run_at LIMIT @limit)
              RETURNING {Job.Columns}
              """
            : $"""
              UPDATE jobs SET {Lease}
              WHERE id IN (SELECT id FROM jobs WHERE {Due} ORDER BY next_run_at LIMIT @limit)
              RETURNING {Job.Columns}
              """,
        ("owner", owner), ("leaseUntil", now + lease), ("now", now), ("limit", limit));

    /// <summary>
    /// The RabbitMQ consumer's claim: leases the one job a message names, on the same conditions as <see cref="Claim"/>; no
    /// row when it is not due (done, scheduled later, or leased to another worker). Unlike <see cref="Claim"/> it waits for
    /// a row lock instead of skipping the row: the holder (the relay stamping it, a handler committing) is brief, and
    /// the conditions are checked again on the row it leaves.
    /// </summary>
    public static SqlStatement ClaimOne(Guid id, string owner, DateTimeOffset now, TimeSpan lease) => SqlStatement.Tagged("jobs.claim_one",
        $"UPDATE jobs SET {Lease} WHERE id = @id AND {Due} RETURNING {Job.Columns}",
        ("id", id), ("owner", owner), ("leaseUntil", now + lease), ("now", now));

    /// <summary>
    /// The relay's pick: up to <paramref name="limit"/> due jobs that wait in the outbox (never published, or published
    /// before <paramref name="staleBefore"/> and still due: that signal was lost), stamped <c>dispatched_at</c> =
    /// <paramref name="mark"/> before they are published. PostgreSQL skips rows another relay is stamping.
    /// </summary>
    public static SqlStatement MarkDispatched(DatabaseProvider provider, DateTimeOffset mark, DateTimeOffset now, DateTimeOffset staleBefore, int limit) =>
        SqlStatement.Tagged("jobs.dispatch",
            $"""
            UPDATE jobs SET dispatched_at = @mark
            WHERE id IN (
                SELECT id FROM jobs WHERE (dispatched_at IS NULL OR dispatched_at < @staleBefore) AND {Due}
                ORDER BY next_run_at
                LIMIT @limit{provider.SkipLocked()})
            RETURNING id, type
            """,
            ("mark", mark), ("now", now), ("staleBefore", staleBefore), ("limit", limit));

    /// <summary>Puts jobs whose publication the broker did not confirm back in the outbox, unless something moved them since.</summary>
    public static SqlStatement Undispatch(DatabaseProvider provider, IReadOnlyCollection<Guid> ids, DateTimeOffset mark)
    {
        var (inIds, value) = provider.InIds("id", "ids", ids);
        return SqlStatement.Tagged("jobs.undispatch", $"UPDATE jobs SET dispatched_at = NULL WHERE dispatched_at = @mark AND {inIds}",
            ("mark", mark), ("ids", value));
    }

    /// <summary>Locks the job for a handler's transaction, if <paramref name="owner"/> still holds its lease; no row otherwise.</summary>
    public static SqlStatement LockLeased(DatabaseProvider provider, Guid id, string owner) => SqlStatement.Tagged("jobs.lock",
        $"SELECT id FROM jobs WHERE id = @id AND status = '{JobStatus.Running}' AND lease_owner = @owner{provider.ForUpdate()}",
        ("id", id), ("owner", owner));

    public static SqlStatement Succeed(Guid id, string owner, string? result, DateTimeOffset now) => SqlStatement.Tagged("jobs.succeed",
        $"""
        UPDATE jobs SET status = '{JobStatus.Succeeded}', result = @result, lease_owner = NULL, lease_expires_at = NULL,
            updated_at = @now, finished_at = @now
        WHERE id = @id AND status = '{JobStatus.Running}' AND lease_owner = @owner
        """,
        ("id", id), ("owner", owner), ("result", result), ("now", now));

    /// <summary>
    /// A failed attempt: <c>failed</c> until <paramref name="nextRunAt"/>, or <c>dead</c> when it is null. Either way the job
    /// is back in the outbox (<c>dispatched_at</c> cleared), so that the RabbitMQ relay publishes its next attempt when due.
    /// </summary>
    public static SqlStatement Fail(Guid id, string owner, string error, DateTimeOffset? nextRunAt, DateTimeOffset now) => SqlStatement.Tagged(
        "jobs.fail",
        $"""
        UPDATE jobs SET status = @status, last_error = @error, next_run_at = COALESCE(@nextRunAt, next_run_at), lease_owner = NULL,
            lease_expires_at = NULL, dispatched_at = NULL, updated_at = @now, finished_at = @finishedAt
        WHERE id = @id AND status = '{JobStatus.Running}' AND lease_owner = @owner
        """,
        ("id", id), ("owner", owner), ("status", nextRunAt is null ? JobStatus.Dead : JobStatus.Failed), ("error", error),
        ("nextRunAt", nextRunAt), ("now", now), ("finishedAt", nextRunAt is null ? now : null));

    /// <summary>
    /// Gives an unfinished attempt back at shutdown: queued again at once (and back in the outbox), the interrupted attempt
    /// not counted.
    /// </summary>
    public static SqlStatement Release(Guid id, string owner, DateTimeOffset now) => SqlStatement.Tagged("jobs.release",
        $"""
        UPDATE jobs SET status = '{JobStatus.Queued}', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
            dispatched_at = NULL, next_run_at = @now, updated_at = @now
        WHERE id = @id AND status = '{JobStatus.Running}' AND lease_owner = @owner
        """,
        ("id", id), ("owner", owner), ("now", now));

    public static SqlStatement Find(Guid id) => SqlStatement.Tagged("jobs.find", $"SELECT {Job.Columns} FROM jobs WHERE id = @id", ("id", id));

    public static SqlStatement FindForUpdate(DatabaseProvider provider, Guid id) => SqlStatement.Tagged("jobs.find",
        $"SELECT {Job.Columns} FROM jobs WHERE id = @id{provider.ForUpdate()}", ("id", id));

    /// <summary>A tenant's jobs, newest first, optionally by status and type, before a cursor.</summary>
    public static SqlStatement List(string tenant, string? status, string? type, Guid? before, int limit)
    {
        var conditions = new List<string> { "tenant_id = @tenant" };
        var parameters = new List<(string, object?)> { ("tenant", tenant), ("limit", limit) };
        if (status is not null)
        {
            conditions.Add("status = @status");
            parameters.Add(("status", status));
        }
        if (type is not null)
        {
            conditions.Add("type = @type");
            parameters.Add(("type", type));
        }
        if (before is not null)
        {
            conditions.Add("id < @before");
            parameters.Add(("before", before));
        }
        return SqlStatement.Tagged("jobs.list",
            $"SELECT {Job.Columns} FROM jobs WHERE {string.Join(" AND ", conditions)} ORDER BY id DESC LIMIT @limit", [.. parameters]);
    }

    /// <summary>Dead (or discarded) → queued with a fresh set of attempts.</summary>
    public static SqlStatement Replay(Guid id, DateTimeOffset now) => SqlStatement.Tagged("jobs.replay",
        $"""
        UPDATE jobs SET status = '{JobStatus.Queued}', attempts = 0, next_run_at = @now, updated_at = @now, finished_at = NULL,
            dispatched_at = NULL
        WHERE id = @id AND status IN ({JobStatus.SqlList(JobStatus.ReplayableFrom)})
        """,
        ("id", id), ("now", now));

    public static SqlStatement Discard(Guid id, DateTimeOffset now) => SqlStatement.Tagged("jobs.discard",
        $"""
        UPDATE jobs SET status = '{JobStatus.Discarded}', updated_at = @now
        WHERE id = @id AND status IN ({JobStatus.SqlList(JobStatus.DiscardableFrom)})
        """,
        ("id", id), ("now", now));

    /// <summary>Retention: succeeded jobs past their age or beyond the newest <paramref name="succeededKept"/>; finished failures past theirs.</summary>
    public static IReadOnlyList<SqlStatement> Purge(DateTimeOffset succeededBefore, int succeededKept, DateTimeOffset failedBefore) =>
    [
        SqlStatement.Tagged("jobs.purge", $"DELETE FROM jobs WHERE status = '{JobStatus.Succeeded}' AND finished_at < @before",
            ("before", succeededBefore)),
        SqlStatement.Tagged("jobs.purge",
            $"""
            DELETE FROM jobs WHERE status = '{JobStatus.Succeeded}' AND id NOT IN (
                SELECT id FROM jobs WHERE status = '{JobStatus.Succeeded}' ORDER BY finished_at DESC LIMIT @kept)
            """,
            ("kept", succeededKept)),
        SqlStatement.Tagged("jobs.purge",
            $"DELETE FROM jobs WHERE status IN ('{JobStatus.Dead}', '{JobStatus.Discarded}') AND finished_at < @before",
            ("before", failedBefore)),
    ];

    /// <summary>How many jobs each (type, status) has, and the age of the oldest due one.</summary>
    public static SqlStatement Census() => SqlStatement.Tagged("jobs.census",
        "SELECT type, status, COUNT(*) FROM jobs GROUP BY type, status");

    /// <summary>Due jobs waiting in the RabbitMQ transport's outbox: not yet published to the broker.</summary>
    public static SqlStatement Outbox(DateTimeOffset now) => SqlStatement.Tagged("jobs.outbox",
        $"SELECT COUNT(*) FROM jobs WHERE dispatched_at IS NULL AND {Due}", ("now", now));

    public static SqlStatement OldestDue(DateTimeOffset now) => SqlStatement.Tagged("jobs.lag",
        $"""
        SELECT MIN(next_run_at) FROM jobs
        WHERE status IN ('{JobStatus.Queued}', '{JobStatus.Failed}') AND next_run_at <= @now
        """,
        ("now", now));
}
