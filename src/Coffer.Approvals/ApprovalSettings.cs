using Microsoft.Extensions.Configuration;

namespace Coffer.Approvals;

/// <summary><c>Coffer:Approvals:*</c>.</summary>
/// <param name="CreationsPerHashPerHour">Approval requests of one (tenant, operation, inputs hash) that may be pending or younger
/// than an hour at once (default 3, 1 to 100); one more is refused with 429 <c>approval_rate_limited</c>.</param>
/// <param name="SweepInterval">How often the sweeper expires due requests and releases held ones (default 30 s).</param>
/// <param name="SweepBatchSize">Requests expired, or held approvals released, per pass (default 200, 1 to 1000).</param>
internal sealed record ApprovalSettings(int CreationsPerHashPerHour, TimeSpan SweepInterval, int SweepBatchSize)
{
    public static readonly TimeSpan CreationWindow = TimeSpan.FromHours(1);

    public static ApprovalSettings FromConfiguration(IConfiguration configuration)
    {
        var perHash = configuration.GetValue("Coffer:Approvals:CreationsPerHashPerHour", 3);
        var intervalSeconds = configuration.GetValue("Coffer:Approvals:SweepIntervalSeconds", 30.0);
        var batch = configuration.GetValue("Coffer:Approvals:SweepBatchSize", 200);
        if (perHash is < 1 or > 100)
        {
            throw new InvalidOperationException("Coffer:Approvals:CreationsPerHashPerHour must be 1 to 100.");
        }
        if (intervalSeconds is < 0.05 or > 3600)
        {
            throw new InvalidOperationException("Coffer:Approvals:SweepIntervalSeconds must be 0.05 to 3600.");
        }
        if (batch is < 1 or > 1000)
        {
            throw new InvalidOperationException("Coffer:Approvals:SweepBatchSize must be 1 to 1000.");
        }
        return new ApprovalSettings(perHash, TimeSpan.FromSeconds(intervalSeconds), batch);
    }
}
