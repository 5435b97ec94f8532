using System.Text;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Idempotency;

/// <summary>A response captured as bytes: written now and replayed byte for byte later.</summary>
internal sealed record StoredResponse(int Status, string ContentType, string? Location, string Body) : IResult
{
    public bool Replayed { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }
        if (Replayed)
        {
            response.Headers[IdempotencySettings.ReplayedHeaderName] = "true";
        }
        var bytes = Encoding.UTF8.GetBytes(Body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }

    /// <summary>Successes and settled business outcomes are kept; validation, auth and transient answers are not.</summary>
    public bool IsStorable => Status is >= 200 and < 300 or 404 or 409 or 422;

    public bool IsSuccess => Status is >= 200 and < 300;
}
