namespace Coffer.Testing;

/// <summary>Where the real services of the test run are (test.sh exports these; the defaults match it).</summary>
public static class TestEnvironment
{
    public static string PostgresOwner =>
        Environment.GetEnvironmentVariable("COFFER_TEST_PG_OWNER")
        ?? "Host=127.0.0.1;Port=5432;Username=coffer_owner;Password=coffer_owner;Database=postgres";

    public static string PostgresApp =>
        Environment.GetEnvironmentVariable("COFFER_TEST_PG_APP")
        ?? "Host=127.0.0.1;Port=5432;Username=coffer_app;Password=coffer_app";

    /// <summary>The shared broker of the test run (guest may only connect over loopback, which is where it listens).</summary>
    public static string RabbitMq =>
        Environment.GetEnvironmentVariable("COFFER_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/";
}
