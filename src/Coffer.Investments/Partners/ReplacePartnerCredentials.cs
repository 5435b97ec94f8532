using System.Security.Claims;
using System.Text.Json;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Investments.Partners;

/// <summary>
/// POST /api/v1/investment/partners/{id}/credentials (admins): replaces the partner's API key and secret. The new values are
/// sealed at once (bound to this partner and field). When the tenant's <c>partner.credentials.change</c> approval policy
/// applies, only the sealed values travel in the approval request (202 pending_approval) and <see cref="ApprovedCredentialsChange"/>
/// writes them once a quorum approved; otherwise they are written now.
/// </summary>
internal static class ReplacePartnerCredentials
{
    public sealed record Request(string? ApiKey, string? Secret);

    /// <summary>The approval request's payload: sealed values only, never the credentials in clear.</summary>
    internal sealed record SealedCredentials(Guid PartnerId, string ApiKeySealed, string SecretSealed);

    public static async Task<Results<Ok<PartnerResponse>, Accepted<ApprovalRequired>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, DbSession session, PartnerCredentials credentials, IApprovalGate approvals,
        RecordClock clock, AuditTrail audit, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var apiKey = errors.RequiredText("apiKey", request.ApiKey, PartnerEndpoints.MaxCredentialLength);
        var secret = errors.RequiredText("secret", request.Secret, PartnerEndpoints.MaxCredentialLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var partner = (await session.QueryAsync(Partner.Find(caller.Tenant, id, session.Provider), Partner.Read, cancellationToken))
            .SingleOrDefault();
        if (partner is null)
        {
            return Failure.NotFound("partner").ToProblem(http);
        }
        var sealedValues = new SealedCredentials(id, credentials.Seal(caller.Tenant, id, PartnerCredentials.ApiKeyField, apiKey!),
            credentials.Seal(caller.Tenant, id, PartnerCredentials.SecretField, secret!));
        var approval = await approvals.RequireAsync(new ApprovalAsk(caller.Tenant, ApprovalOperations.PartnerCredentialsChange, null, null,
            sealedValues, caller.Subject, id.ToString()), cancellationToken);
        if (approval is not null)
        {
            return TypedResults.Accepted($"/api/v1/approvals/{approval.ApprovalId}", approval);
        }
        return TypedResults.Ok(Apply(session, audit, partner, sealedValues, clock.Now()));
    }

    /// <summary>Writes sealed credentials to the partner (deferred to the commit) and records that they changed — never what to.</summary>
    internal static PartnerResponse Apply(DbSession session, AuditTrail audit, Partner partner, SealedCredentials values, DateTimeOffset now)
    {
        (partner.ApiKeySealed, partner.SecretSealed, partner.CredentialsUpdatedAt, partner.UpdatedAt) =
            (values.ApiKeySealed, values.SecretSealed, now, now);
        session.Defer(Partner.ReplaceCredentials(partner, now));
        var response = PartnerResponse.From(partner);
        audit.Record(partner.TenantId, "investment_partner.credentials_replaced", "investment_partner", partner.Id.ToString(), before: null,
            after: response);
        return response;
    }
}

/// <summary>Executes an approved <c>partner.credentials.change</c>: the sealed values the request carried are written, once.</summary>
internal sealed class ApprovedCredentialsChange(DbSession session, PartnerCredentials credentials, AuditTrail audit, RecordClock clock)
    : IApprovedOperation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Operation => ApprovalOperations.PartnerCredentialsChange;

    public async Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken)
    {
        var values = approved.Payload.Deserialize<ReplacePartnerCredentials.SealedCredentials>(Json)
            ?? throw new InvalidOperationException($"Approval {approved.ApprovalId} carries no credentials.");
        var partner = (await session.QueryAsync(Partner.Find(approved.TenantId, values.PartnerId, session.Provider), Partner.Read,
            cancellationToken)).SingleOrDefault();
        if (partner is null)
        {
            return new { refused = "not_found", partnerId = values.PartnerId };
        }
        // The values open for this partner only (their associated data names it): a payload moved to another partner fails here.
        _ = credentials.Open(approved.TenantId, partner.Id, PartnerCredentials.ApiKeyField, values.ApiKeySealed);
        _ = credentials.Open(approved.TenantId, partner.Id, PartnerCredentials.SecretField, values.SecretSealed);
        var response = ReplacePartnerCredentials.Apply(session, audit, partner, values, clock.Now());
        return new { partnerId = partner.Id, response.CredentialsUpdatedAt };
    }
}
