using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Platform.Tests.Persistence;

/// <summary>
/// A PostgreSQL connection that dies under a session (server restart, broken socket; here its backend is terminated) is
/// never handed to the next unit of work: outside a transaction the session opens a new one, and in the middle of a
/// transaction it refuses to carry on elsewhere (that would run the rest of the work outside the transaction) and asks
/// for the whole unit of work to be retried. The chaos suite found requests answered 500 because the retry got the dead
/// connection back.
/// </summary>
public sealed class LostConnectionTests
{
    [Fact(Timeout = 60_000)]
    public async Task OutsideATransaction_TheNextRoundTripRunsOnANewConnection()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var source = new CofferDatabase(database.Options);
        await using var session = new DbSession(source, NullLogger<DbSession>.Instance);
        var first = await BackendAsync(session);

        await TerminateAsync(database, first);
        var failure = await Assert.ThrowsAsync<DbFailureException>(() => BackendAsync(session));
        Assert.True(failure.IsTransient);

        var second = await BackendAsync(session);
        Assert.NotEqual(first, second);
    }

    [Fact(Timeout = 60_000)]
    public async Task InATransaction_TheWorkFails_AndTheRetriedUnitOfWorkGetsANewConnection()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var source = new CofferDatabase(database.Options);
        await using var session = new DbSession(source, NullLogger<DbSession>.Instance);
        await session.BeginAsync(CancellationToken.None);
        var first = await BackendAsync(session);

        await TerminateAsync(database, first);
        Assert.True((await Assert.ThrowsAsync<DbFailureException>(() => BackendAsync(session))).IsTransient);
        // Still inside the broken transaction: no statement may run on a fresh connection as if nothing happened.
        Assert.True((await Assert.ThrowsAsync<DbFailureException>(() => BackendAsync(session))).IsTransient);
        await session.RollbackAsync();

        await session.BeginAsync(CancellationToken.None);
        var second = await BackendAsync(session);
        await session.CommitAsync([], CancellationToken.None);
        Assert.NotEqual(first, second);
    }

    private static async Task<int> BackendAsync(DbSession session) =>
        (await session.QueryAsync(SqlStatement.Of("SELECT pg_backend_pid()"), r => r.GetInt32(0), CancellationToken.None)).Single();

    /// <summary>As the application role: a role may end its own sessions (the owner role may not end the app's).</summary>
    private static async Task TerminateAsync(TestDatabase database, int backend)
    {
        Assert.True(await DatabaseShell.ScalarAsync<bool>(database, $"SELECT pg_terminate_backend({backend}, 5000)", asOwner: false));
    }
}
