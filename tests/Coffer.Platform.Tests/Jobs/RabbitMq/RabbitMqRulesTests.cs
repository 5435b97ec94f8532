using System.Text;
using Coffer.Platform.Jobs;
using Coffer.Platform.Jobs.RabbitMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Jobs.RabbitMq;

/// <summary>The RabbitMQ transport's settings and message format: pure rules, no broker.</summary>
public sealed class RabbitMqRulesTests
{
    [Fact]
    public void Transport_DefaultsToTheDatabase_AndReadsRabbitMq()
    {
        Assert.Equal(JobTransport.Database, JobSettings.FromConfiguration(Configuration(new())).Transport);
        Assert.Equal(JobTransport.RabbitMq, JobSettings.FromConfiguration(Configuration(new() { ["Coffer:Jobs:Transport"] = "RabbitMQ" })).Transport);
        Assert.Throws<InvalidOperationException>(() => JobSettings.FromConfiguration(Configuration(new() { ["Coffer:Jobs:Transport"] = "kafka" })));
    }

    [Fact]
    public void Settings_NameTheTopologyAfterTheQueue_AndPrefetchAsManyAsTheWorkersRun()
    {
        var configuration = Configuration(new()
        {
            ["Coffer:Jobs:Concurrency"] = "6",
            ["Coffer:RabbitMq:Uri"] = "amqp://coffer:s3cret@broker.internal:5673/prod",
        });
        var settings = RabbitMqSettings.FromConfiguration(configuration, JobSettings.FromConfiguration(configuration));
        Assert.Equal(("coffer.jobs", "coffer.jobs", "coffer.jobs.dlx", "coffer.jobs.dead", 6),
            (settings.Queue, settings.Exchange, settings.DeadLetterExchange, settings.DeadLetterQueue, settings.Prefetch));
        Assert.Equal("broker.internal:5673/prod", settings.Endpoint); // what logs may say: no credentials
        Assert.DoesNotContain("s3cret", settings.ToString() ?? "");
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, null)]
    [InlineData("http://coffer:s3cret@broker:5672/", null, null)]
    [InlineData("amqp://coffer:s3cret@broker:5672/", "not a queue!", null)]
    [InlineData("amqp://coffer:s3cret@broker:5672/", null, "0")]
    [InlineData("amqp://coffer:s3cret@broker:5672/", null, "1001")]
    public void Settings_RejectAMissingOrMalformedUri_Queue_OrPrefetch_WithoutEchoingTheUri(string? uri, string? queue, string? prefetch)
    {
        var configuration = Configuration(new()
        {
            ["Coffer:Jobs:Transport"] = "rabbitmq",
            ["Coffer:RabbitMq:Uri"] = uri,
            ["Coffer:RabbitMq:Queue"] = queue,
            ["Coffer:RabbitMq:Prefetch"] = prefetch,
        });
        var failure = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCofferJobs(configuration));
        Assert.DoesNotContain("s3cret", failure.Message);
    }

    [Fact]
    public void DatabaseTransport_NeedsNoBroker()
    {
        var services = new ServiceCollection().AddCofferJobs(Configuration(new()));
        Assert.DoesNotContain(services, s => s.ServiceType == typeof(RabbitMqConnection));
    }

    [Fact]
    public void Message_CarriesTheJobId_AndAnythingElseIsNoJob()
    {
        var id = Guid.NewGuid();
        var body = JobMessage.Write(id);
        Assert.Equal($"{{\"jobId\":\"{id}\"}}", Encoding.UTF8.GetString(body));
        Assert.True(JobMessage.TryRead(body, out var read));
        Assert.Equal(id, read);
        foreach (var text in new[] { "", "not a job", "{}", "null", "[]", """{"jobId":"nope"}""", """{"jobId":"00000000-0000-0000-0000-000000000000"}""" })
        {
            Assert.False(JobMessage.TryRead(Encoding.UTF8.GetBytes(text), out _), text);
        }
        Assert.False(JobMessage.TryRead(Encoding.UTF8.GetBytes($"{{\"jobId\":\"{id}\",\"pad\":\"{new string('x', 2000)}\"}}"), out _));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 8)]
    [InlineData(5, 15)]
    [InlineData(50, 15)]
    public void Backoff_DoublesFromOneSecond_UpTo15(int failures, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobRelay.Backoff(failures));

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
