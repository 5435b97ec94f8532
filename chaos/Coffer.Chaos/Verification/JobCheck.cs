namespace Coffer.Chaos.Verification;

/// <summary>Every job is succeeded, or dead with a reason (its last error): nothing left running, retrying or silently dead.</summary>
internal static class JobCheck
{
    public static void Check(IReadOnlyList<JobRow> jobs, Findings findings)
    {
        foreach (var job in jobs)
        {
            if (job.Status is not ("succeeded" or "dead"))
            {
                findings.Add("jobs", $"job {job.Id} ({job.Type}) is still {job.Status} after {job.Attempts} attempt(s): {job.LastError}");
            }
            else if (job.Status == "dead" && string.IsNullOrWhiteSpace(job.LastError))
            {
                findings.Add("jobs", $"job {job.Id} ({job.Type}) is dead without a reason");
            }
        }
    }
}
