using Coffer.Platform.Jobs;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Tests.Jobs;

/// <summary>Retry schedule, state machine and settings: pure rules, no database.</summary>
public sealed class JobRulesTests
{
    private static readonly JobTypeSettings ThreeAttempts = new(3, TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(2, 4.0)]
    public void Backoff_DoublesFromTheFirstDelay_WithinTheJitter(int attemptsMade, double expectedSeconds)
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var delay = JobRetryPolicy.NextDelay(attemptsMade, ThreeAttempts, 0.2, random)!.Value.TotalSeconds;
            Assert.InRange(delay, expectedSeconds * 0.8, expectedSeconds * 1.2);
        }
    }

    [Fact]
    public void Backoff_WithFiveAttempts_Goes2_4_8_16()
    {
        var five = new JobTypeSettings(5, TimeSpan.FromSeconds(2));
        var delays = Enumerable.Range(1, 4).Select(a => JobRetryPolicy.NextDelay(a, five, 0, new Random(1))!.Value.TotalSeconds);
        Assert.Equal([2.0, 4.0, 8.0, 16.0], delays);
    }

    [Fact]
    public void Backoff_Jitters_SoJobsFailingTogetherDoNotRetryTogether()
    {
        var random = new Random(3);
        var delays = Enumerable.Range(0, 50).Select(_ => JobRetryPolicy.NextDelay(1, ThreeAttempts, 0.2, random)!.Value).Distinct().Count();
        Assert.True(delays > 40);
    }

    [Fact]
    public void Backoff_AfterTheLastAttempt_IsNone_TheJobIsDead()
    {
        Assert.Null(JobRetryPolicy.NextDelay(3, ThreeAttempts, 0.2, new Random(1)));
        Assert.Null(JobRetryPolicy.NextDelay(4, ThreeAttempts, 0.2, new Random(1)));
    }

    [Fact]
    public void Backoff_IsCapped()
    {
        var many = new JobTypeSettings(25, TimeSpan.FromSeconds(2));
        Assert.Equal(JobRetryPolicy.MaxBackoff, JobRetryPolicy.NextDelay(24, many, 0, new Random(1)));
    }

    public static TheoryData<string, string> Allowed => new()
    {
        { "queued", "running" }, { "failed", "running" }, { "running", "succeeded" }, { "running", "failed" }, { "running", "dead" },
        { "running", "queued" }, { "running", "running" }, { "dead", "queued" }, { "discarded", "queued" }, { "dead", "discarded" },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Transition_Allowed(string from, string to) => Assert.True(JobStatus.CanMove(from, to));

    [Fact]
    public void Transition_EveryOtherPair_IsForbidden()
    {
        var allowed = Allowed.Select(row => ((string)row[0], (string)row[1])).ToHashSet();
        foreach (var from in JobStatus.All)
        {
            foreach (var to in JobStatus.All.Where(to => !allowed.Contains((from, to))))
            {
                Assert.False(JobStatus.CanMove(from, to), $"{from} → {to} must be forbidden");
            }
        }
    }

    [Fact]
    public void Settings_DefaultTo4Attempts_ThatIs3RetriesAfter2_4_8s_AndReadPerTypeOverrides()
    {
        var settings = JobSettings.FromConfiguration(Configuration(new()
        {
            ["Coffer:Jobs:Types:payout:MaxAttempts"] = "5",
            ["Coffer:Jobs:Types:payout:FirstBackoffSeconds"] = "10",
        }));
        Assert.Equal(new JobTypeSettings(4, TimeSpan.FromSeconds(2)), settings.For("anything"));
        var delays = Enumerable.Range(1, 3).Select(a => JobRetryPolicy.NextDelay(a, settings.For("anything"), 0, new Random(1))!.Value.TotalSeconds);
        Assert.Equal([2.0, 4.0, 8.0], delays);
        Assert.Null(JobRetryPolicy.NextDelay(4, settings.For("anything"), 0, new Random(1)));
        Assert.Equal(new JobTypeSettings(5, TimeSpan.FromSeconds(10)), settings.For("payout"));
        Assert.Equal(TimeSpan.FromHours(24), settings.SucceededRetention);
        Assert.Equal(1000, settings.SucceededKept);
        Assert.Equal(TimeSpan.FromDays(7), settings.FailedRetention);
    }

    [Theory]
    [InlineData("Coffer:Jobs:MaxAttempts", "0")]
    [InlineData("Coffer:Jobs:Concurrency", "0")]
    [InlineData("Coffer:Jobs:LeaseSeconds", "0.5")]
    [InlineData("Coffer:Jobs:JitterRatio", "2")]
    [InlineData("Coffer:Jobs:Types:x:FirstBackoffSeconds", "-1")]
    public void Settings_RejectNonsense(string key, string value) =>
        Assert.Throws<InvalidOperationException>(() => JobSettings.FromConfiguration(Configuration(new() { [key] = value })));

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
