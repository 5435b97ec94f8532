namespace Coffer.Testing;

/// <summary>Shorthands for <see cref="CofferTestServer.ClientFor"/> with the roles the ledger's tests use.</summary>
public static class RoleClients
{
    /// <summary>The tenant most tests run in.</summary>
    public const string DefaultTenant = "acme";

    /// <summary>The tenant whose administrators manage platform-wide settings such as feature flags (the server's default).</summary>
    public const string PlatformTenant = "platform";

    /// <summary>A client authenticated as the administrator "root" of the platform tenant.</summary>
    public static HttpClient PlatformAdmin(this CofferTestServer server) => server.ClientFor("root", PlatformTenant, "admin");

    /// <summary>A client authenticated as the customer <paramref name="subject"/> of <paramref name="tenant"/>.</summary>
    public static HttpClient Customer(this CofferTestServer server, string subject, string tenant = DefaultTenant) =>
        server.ClientFor(subject, tenant, "customer");

    /// <summary>A client authenticated as the operator "ops" of <paramref name="tenant"/>.</summary>
    public static HttpClient Operator(this CofferTestServer server, string tenant = DefaultTenant) =>
        server.ClientFor("ops", tenant, "operator");

    /// <summary>A client authenticated as the administrator "root" of <paramref name="tenant"/>.</summary>
    public static HttpClient Admin(this CofferTestServer server, string tenant = DefaultTenant) =>
        server.ClientFor("root", tenant, "admin");
}
