using System.Net;
using Coffer.Platform.Identity;
using Coffer.Platform.Observability;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Audit;

/// <summary>Who acts, and from where: taken from the verified token and the connection, never from request headers.</summary>
public sealed record AuditActor(string Actor, string ActorType, string? RequestId, string? IpAddress, string? UserAgent)
{
    public const int MaxUserAgentLength = 512;

    /// <summary>Background work of Coffer itself (sweepers, jobs started by no one in particular).</summary>
    public static AuditActor System(string worker) =>
        new($"system:{worker}", ActorTypes.System, CofferTelemetry.CurrentTraceId, null, null);

    public static AuditActor FromRequest(HttpContext http)
    {
        var caller = Caller.From(http.User);
        var userAgent = http.Request.Headers.UserAgent.ToString();
        return new AuditActor(
            caller.Subject,
            ActorTypes.Of(caller),
            CofferTelemetry.CurrentTraceId ?? http.TraceIdentifier,
            Normalize(http.Connection.RemoteIpAddress),
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)]);
    }

    private static string? Normalize(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

/// <summary>Bounded values of <see cref="AuditActor.ActorType"/>: the caller's most privileged role, or system.</summary>
public static class ActorTypes
{
    public const string System = "system";

    private static readonly string[] ByPrivilege = [Roles.Admin, Roles.Operator, Roles.Service, Roles.Partner, Roles.Customer];

    public static string Of(Caller caller) => ByPrivilege.FirstOrDefault(caller.IsInRole) ?? "unknown";
}
