namespace Coffer.Platform.Identity;

/// <summary>The roles a verified token may carry (claim <c>role</c>, repeatable).</summary>
public static class Roles
{
    public const string Customer = "customer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public const string Partner = "partner";
    public const string Service = "service";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Customer, Operator, Admin, Partner, Service,
    };
}
