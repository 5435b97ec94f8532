using System.Security.Claims;
using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Coffer.Platform.Tests.Unit;

public sealed class PlatformUnitTests
{
    [Theory]
    [InlineData("AccountId", "account_id")]
    [InlineData("PostedDebits", "posted_debits")]
    [InlineData("Id", "id")]
    public void SnakeCase_ConvertsPascalCaseColumnNames(string property, string column) =>
        Assert.Equal(column, ModelNaming.ToSnakeCase(property));

    [Fact]
    public void ValidationErrors_CollectsEveryFieldIntoOneProblem()
    {
        var errors = new ValidationErrors();
        errors.Required<int>("amount", null);
        errors.RequiredText("name", new string('x', 11), 10);
        errors.OptionalText("note", null, 5);

        var failure = errors.ToFailure();

        Assert.Equal(400, failure.Status);
        Assert.Equal("validation_failed", failure.Code);
        var fields = Assert.IsType<Dictionary<string, string[]>>(failure.Extensions["errors"]);
        Assert.Equal(["amount", "name"], fields.Keys.Order());
    }

    [Fact]
    public void InIds_UsesAnArrayOnPostgresAndUpperCaseJsonOnSqlite()
    {
        var id = Guid.Parse("0195c3b1-aaaa-7bbb-8ccc-0123456789ab");

        var (pgSql, pgValue) = DatabaseProvider.Postgres.InIds("id", "ids", [id]);
        var (liteSql, liteValue) = DatabaseProvider.Sqlite.InIds("id", "ids", [id]);

        Assert.Equal("id = ANY(@ids)", pgSql);
        Assert.Equal([id], Assert.IsType<Guid[]>(pgValue));
        Assert.Contains("json_each(@ids)", liteSql);
        Assert.Equal("[\"0195C3B1-AAAA-7BBB-8CCC-0123456789AB\"]", liteValue);
        Assert.Equal(" FOR UPDATE", DatabaseProvider.Postgres.ForUpdate());
        Assert.Equal("", DatabaseProvider.Sqlite.ForUpdate());
    }

    [Theory]
    [InlineData(5, 0, DbFailureKind.Transient)]
    [InlineData(19, 2067, DbFailureKind.UniqueViolation)]
    [InlineData(19, 787, DbFailureKind.ForeignKeyViolation)]
    [InlineData(19, 275, DbFailureKind.CheckViolation)]
    [InlineData(1, 1, DbFailureKind.Other)]
    public void SqliteErrors_AreClassifiedByCode(int code, int extended, DbFailureKind expected) =>
        Assert.Equal(expected, DbFailureException.Classify(new SqliteException("x", code, extended)));

    [Fact]
    public void Caller_ComesOnlyFromClaims_AndOperatorsActForTheirTenant()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "u1"), new Claim("tenant", "t1"), new Claim("role", "customer"), new Claim("role", "operator")], "test"));

        var caller = Caller.From(principal);

        Assert.Equal("u1", caller.Subject);
        Assert.Equal("t1", caller.Tenant);
        Assert.True(caller.ActsForTenant);
        Assert.False(Caller.From(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "u1"), new Claim("tenant", "t1"), new Claim("role", "customer")], "test"))).ActsForTenant);
        Assert.Throws<InvalidOperationException>(() => Caller.From(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u1")], "test"))));
    }

    [Fact]
    public void Problems_CarryTypeCodeAndTraceId()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/api/v1/transfers";

        var problem = ProblemFactory.Create(http, new Failure(422, "insufficient_funds", "Insufficient funds").With("accountId", "a"));

        Assert.Equal("urn:coffer:problem:insufficient_funds", problem.Type);
        Assert.Equal(422, problem.Status);
        Assert.Equal("insufficient_funds", problem.Extensions["code"]);
        Assert.Equal("a", problem.Extensions["accountId"]);
        Assert.False(string.IsNullOrEmpty(problem.Extensions["traceId"] as string));
    }

    [Fact]
    public void UnexpectedExceptions_Are500WithoutInternals_AndMalformedJsonIs400()
    {
        var internalFailure = CofferExceptionHandler.Classify(new InvalidOperationException("secret detail"));
        var badJson = CofferExceptionHandler.Classify(new BadHttpRequestException("bad", new JsonException("x", "$.amount", 1, 2)));
        var busy = CofferExceptionHandler.Classify(new DbFailureException(DbFailureKind.Transient, null, null, new SqliteException("busy", 5)));

        Assert.Equal(500, internalFailure.Status);
        Assert.DoesNotContain("secret", internalFailure.Detail);
        Assert.Equal((400, "validation_failed"), (badJson.Status, badJson.Code));
        Assert.True(((IDictionary<string, string[]>)badJson.Extensions["errors"]!).ContainsKey("amount"));
        Assert.Equal((503, "database_busy"), (busy.Status, busy.Code));
    }
}
