using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Platform.Problems;

public static class FailureResults
{
    /// <summary>The one mapping from an expected failure to its problem+json response.</summary>
    public static ProblemHttpResult ToProblem(this Failure failure, HttpContext httpContext) =>
        TypedResults.Problem(ProblemFactory.Create(httpContext, failure));
}
