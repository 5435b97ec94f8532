using System.Collections.Concurrent;
using System.Diagnostics;
using Coffer.Bench.Measurement;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Investments;

/// <summary>How the accepted executions ended, and how long each took from its 202 to its job's success.</summary>
internal sealed record ExecutionOutcomes(
    LatencyHistogram EndToEnd, long Accepted, long Succeeded, long Active, long Failed, long Dead, long Unfinished,
    long SucceededInWindow, long SucceededAfterWindow, DateTimeOffset? LastFinishedAtUtc);

/// <summary>
/// After the load, follows every accepted execution to its end through GET /api/v1/jobs/{id}, the oldest 64 still open at a
/// time, round after round, until each job succeeded or died (or the limit). The end-to-end latency is the job's <c>finishedAt</c> (stamped by
/// the server when the success commits) minus the time the 202 arrived at the generator: both are this machine's clock, so
/// the polling interval does not enter the figure, and polling after the load does not load the measured window.
/// </summary>
internal static class ExecutionFollower
{
    private const int Parallelism = 8;
    private const int Window = 64;
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(250);

    public static async Task<ExecutionOutcomes> FollowAsync(CofferApi api, IReadOnlyCollection<ExecutionTicket> tickets,
        DateTimeOffset measureStartUtc, DateTimeOffset measureEndUtc, TimeSpan limit, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        var watch = Stopwatch.StartNew();
        // Oldest first: the jobs run roughly in the order they were accepted, so only the front of the queue is asked about,
        // Window at a time — about one GET per job — and the polling does not compete with the backlog it waits for.
        var outstanding = new LinkedList<ExecutionTicket>(tickets.OrderBy(t => t.AcceptedAtUtc));
        var finished = new ConcurrentBag<(ExecutionTicket Ticket, JobDto Job)>();
        var reported = Stopwatch.StartNew();
        while (outstanding.Count > 0 && watch.Elapsed < limit)
        {
            var front = outstanding.Take(Window).ToList();
            var done = new ConcurrentDictionary<ExecutionTicket, bool>();
            await Parallel.ForEachAsync(front, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (ticket, ct) =>
                {
                    var job = await api.GetJsonAsync<JobDto>($"api/v1/jobs/{ticket.JobId}", ct);
                    if (job.Status is "succeeded" or "dead" or "discarded")
                    {
                        finished.Add((ticket, job));
                        done[ticket] = true;
                    }
                });
            foreach (var ticket in front.Where(done.ContainsKey))
            {
                outstanding.Remove(ticket);
            }
            if (reported.Elapsed >= TimeSpan.FromSeconds(2) || outstanding.Count == 0)
            {
                Console.Error.WriteLine($"  executions: {finished.Count} finished, {outstanding.Count} still queued or running");
                reported.Restart();
            }
            if (done.Count < front.Count)
            {
                await Task.Delay(Round, cancellationToken); // the front is not done yet: give the jobs time
            }
        }
        long succeeded = 0, active = 0, failed = 0, dead = 0, inWindow = 0, afterWindow = 0;
        DateTimeOffset? last = null;
        foreach (var (ticket, job) in finished)
        {
            if (job.Status != "succeeded" || job.FinishedAt is not { } at)
            {
                dead++;
                continue;
            }
            succeeded++;
            var status = job.Result is { } result && result.TryGetProperty("status", out var s) ? s.GetString() : null;
            active += status == "active" ? 1 : 0;
            failed += status == "failed" ? 1 : 0;
            last = last is null || at > last ? at : last;
            if (at >= measureStartUtc && at < measureEndUtc)
            {
                inWindow++;
            }
            afterWindow += at >= measureEndUtc ? 1 : 0;
            if (ticket.AcceptedAtUtc >= measureStartUtc && ticket.AcceptedAtUtc < measureEndUtc)
            {
                latency.Record((long)Math.Max(0, (at - ticket.AcceptedAtUtc).TotalMicroseconds));
            }
        }
        return new ExecutionOutcomes(latency, tickets.Count, succeeded, active, failed, dead, outstanding.Count, inWindow, afterWindow, last);
    }
}
