using System.Security.Claims;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Investments.Partners;

/// <summary>
/// /api/v1/investment/partners (admins only): external partners whose credentials are write-only. The API key and secret are
/// sealed before they touch the database and are never answered, logged or audited; the settlement account number is
/// tokenized (reading it back is <c>token.detokenized</c>-audited, by the job that needs it).
/// </summary>
internal static class PartnerEndpoints
{
    public const string AccountTokenKind = "partner_account";
    public const int MaxCredentialLength = 512;

    public sealed record CreateRequest(string? Name, string? BaseUrl, string? ApiKey, string? Secret, string? SettlementAccountNumber = null);

    public sealed record StatusRequest(string? Status);

    public static void MapPartnerEndpoints(this RouteGroupBuilder api)
    {
        var partners = api.MapGroup("/partners").WithTags("Investment partners").RequireRoles(Roles.Admin);
        partners.MapPost("/", Create).RequireIdempotency().RequireRateLimit(InvestmentRateLimits.Products)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Register a partner: its API key and secret are stored encrypted and never returned");
        partners.MapGet("/", List).WithSummary("The tenant's partners (no credentials)");
        partners.MapGet("/{id:guid}", Get).WithSummary("One partner (no credentials)");
        partners.MapPost("/{id:guid}/credentials", ReplacePartnerCredentials.Handle).RequireIdempotency()
            .RequireRateLimit(InvestmentRateLimits.Products)
            .WithSummary("Replace the partner's API key and secret (write-only)");
        partners.MapPost("/{id:guid}/status", SetStatus).RequireIdempotency().RequireRateLimit(InvestmentRateLimits.Products)
            .WithSummary("Suspend or reactivate a partner: a suspended partner is not called");
    }

    private static Results<Created<PartnerResponse>, ProblemHttpResult> Create(
        CreateRequest request, ClaimsPrincipal user, DbSession session, PartnerCredentials credentials, Tokenizer tokenizer,
        RecordClock clock, AuditTrail audit, HttpContext http)
    {
        var errors = new ValidationErrors();
        var name = errors.RequiredText("name", request.Name, 100);
        var baseUrl = BaseUrl(errors, request.BaseUrl);
        var apiKey = errors.RequiredText("apiKey", request.ApiKey, MaxCredentialLength);
        var secret = errors.RequiredText("secret", request.Secret, MaxCredentialLength);
        var account = AccountNumber(errors, request.SettlementAccountNumber);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var now = clock.Now();
        var id = clock.NewId(now);
        var token = account is null ? null : tokenizer.Tokenize(caller.Tenant, AccountTokenKind, account);
        var partner = new Partner
        {
            Id = id,
            TenantId = caller.Tenant,
            Name = name!,
            BaseUrl = baseUrl!,
            ApiKeySealed = credentials.Seal(caller.Tenant, id, PartnerCredentials.ApiKeyField, apiKey!),
            SecretSealed = credentials.Seal(caller.Tenant, id, PartnerCredentials.SecretField, secret!),
            AccountToken = token?.Token,
            AccountLast4 = token?.Last4,
            Status = PartnerStatuses.Active,
            CreatedBy = caller.Subject,
            CredentialsUpdatedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        session.Defer(Partner.Insert(partner));
        var response = PartnerResponse.From(partner);
        audit.Record(caller.Tenant, "investment_partner.created", "investment_partner", id.ToString(), before: null, after: response);
        return TypedResults.Created($"/api/v1/investment/partners/{id}", response);
    }

    private static async Task<Results<Ok<Page<PartnerResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<PartnerResponse>.SizeOf(errors, limit);
        var after = Cursor.Read(errors, cursor);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await session.QueryAsync(Partner.Page(Caller.From(user).Tenant, after, size + 1), Partner.Read, cancellationToken);
        return TypedResults.Ok(Page<PartnerResponse>.From(rows, size, PartnerResponse.From, p => p.Id));
    }

    private static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var partner = (await session.QueryAsync(Partner.Find(Caller.From(user).Tenant, id), Partner.Read, cancellationToken)).SingleOrDefault();
        return partner is null ? Failure.NotFound("partner").ToProblem(http) : TypedResults.Ok(PartnerResponse.From(partner));
    }

    private static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> SetStatus(
        Guid id, StatusRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (request.Status is not (PartnerStatuses.Active or PartnerStatuses.Suspended))
        {
            return Failure.Validation("status", "One of: active, suspended.").ToProblem(http);
        }
        var caller = Caller.From(user);
        var partner = (await session.QueryAsync(Partner.Find(caller.Tenant, id, session.Provider), Partner.Read, cancellationToken))
            .SingleOrDefault();
        if (partner is null)
        {
            return Failure.NotFound("partner").ToProblem(http);
        }
        var before = PartnerResponse.From(partner);
        var now = clock.Now();
        session.Defer(Partner.SetStatus(partner, request.Status, now));
        (partner.Status, partner.UpdatedAt) = (request.Status, now);
        var after = PartnerResponse.From(partner);
        audit.Record(caller.Tenant, $"investment_partner.{request.Status}", "investment_partner", id.ToString(), before, after);
        return TypedResults.Ok(after);
    }

    private static string? BaseUrl(ValidationErrors errors, string? value)
    {
        if (errors.RequiredText("baseUrl", value, 500) is not { } url)
        {
            return null;
        }
        if (PartnerUrls.Problem(url) is { } problem)
        {
            errors.Add("baseUrl", problem);
            return null;
        }
        return url.EndsWith('/') ? url : url + "/";
    }

    /// <summary>The partner's account number for Coffer's settlement, when given (<see cref="AccountNumbers"/>).</summary>
    private static string? AccountNumber(ValidationErrors errors, string? value)
    {
        if (value is null)
        {
            return null;
        }
        var number = AccountNumbers.Normalize(value);
        if (number is null)
        {
            errors.Add("settlementAccountNumber", AccountNumbers.Rule);
        }
        return number;
    }
}
