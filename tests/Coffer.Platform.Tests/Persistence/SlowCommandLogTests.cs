using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Tests.Persistence;

public sealed class SlowCommandLogTests
{
    private sealed class CapturingLogger : ILogger<DbSession>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RoundTripOverTheThreshold_IsLoggedWithItsSqlShapeButNeverItsValues(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var source = new CofferDatabase(database.Options with { SlowCommandMilliseconds = 0 });
        var logger = new CapturingLogger();
        await using var session = new DbSession(source, logger);

        await session.QueryAsync(SqlStatement.Of("SELECT COUNT(*) FROM accounts WHERE owner_id = @owner", ("owner", "secret-owner-4711")),
            r => r.GetInt64(0), CancellationToken.None);

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("Slow database round trip", message);
        Assert.Contains("SELECT COUNT(*) FROM accounts WHERE owner_id = @owner", message);
        Assert.DoesNotContain("secret-owner-4711", message);
    }

    [Fact(Timeout = 60_000)]
    public async Task RoundTripUnderTheThreshold_IsNotLogged()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var source = new CofferDatabase(database.Options with { SlowCommandMilliseconds = 60_000 });
        var logger = new CapturingLogger();
        await using var session = new DbSession(source, logger);

        await session.QueryAsync(SqlStatement.Of("SELECT 1"), r => r.GetInt64(0), CancellationToken.None);

        Assert.Empty(logger.Entries);
    }
}
