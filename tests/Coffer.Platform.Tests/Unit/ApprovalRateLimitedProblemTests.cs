using System.Text.Json;
using Coffer.Platform.Approvals;
using Coffer.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Platform.Tests.Unit;

/// <summary>An approval gate's rate limit is a client's 429 with a stable code and a Retry-After, never a 500.</summary>
public sealed class ApprovalRateLimitedProblemTests
{
    [Fact(Timeout = 10_000)]
    public async Task ApprovalRateLimited_Answers429_ApprovalRateLimited_WithRetryAfter()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/api/v1/investment/products/p/dividends";
        http.Response.Body = new MemoryStream();
        var handler = new CofferExceptionHandler(NullLogger<CofferExceptionHandler>.Instance);

        var handled = await handler.TryHandleAsync(http, new ApprovalRateLimitedException(ApprovalOperations.DividendDistribute,
            TimeSpan.FromMinutes(59.5)), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(429, http.Response.StatusCode);
        Assert.Equal("3570", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        var problem = JsonDocument.Parse(http.Response.Body).RootElement;
        Assert.Equal(("approval_rate_limited", "dividend.distribute"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("operation").GetString()));
    }
}
