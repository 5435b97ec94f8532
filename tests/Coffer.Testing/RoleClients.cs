namespace Coffer.Testing;

/// <summary>Shorthands for <see cref="CofferTestServer.ClientFor"/> with the roles the ledger's tests use.</summary>
public static class RoleClients
{
    /// <summary>The tenant most tests run in.</summary>
    public const string DefaultTenant = "acme";

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
