using System.Text;
using Coffer.Platform.Webhooks;

namespace Coffer.Platform.Tests.Webhooks;

public sealed class StandardWebhookVerifierTests
{
    private const string Old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string New = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"payment.succeeded","data":{"amount":500}}""");

    private static string Signature(string secret, long? at = null, byte[]? body = null, string id = "msg_1") =>
        StandardWebhookVerifier.Sign(secret, id, at ?? Now.ToUnixTimeSeconds(), body ?? Body);

    [Fact]
    public void ValidSignature_IsAccepted()
    {
        var verifier = new StandardWebhookVerifier([Old]);
        Assert.Equal(WebhookRejection.None, verifier.Verify("msg_1", $"{Now.ToUnixTimeSeconds()}", Signature(Old), Body, Now));
    }

    [Fact]
    public void KnownVector_FromTheStandardWebhooksSpecification_Verifies()
    {
        // The reference example of the Standard Webhooks libraries.
        var verifier = new StandardWebhookVerifier(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
        Assert.Equal(WebhookRejection.None, verifier.Verify("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body, DateTimeOffset.FromUnixTimeSeconds(1614265330)));
    }

    [Fact]
    public void DuringRotation_EitherSecret_AndAnyOfSeveralSignatures_IsAccepted()
    {
        var verifier = new StandardWebhookVerifier([New, Old]);
        var ts = $"{Now.ToUnixTimeSeconds()}";
        Assert.Equal(WebhookRejection.None, verifier.Verify("msg_1", ts, Signature(Old), Body, Now));
        Assert.Equal(WebhookRejection.None, verifier.Verify("msg_1", ts, Signature(New), Body, Now));
        Assert.Equal(WebhookRejection.None, verifier.Verify("msg_1", ts, $"v1,AAAA {Signature(New)}", Body, Now));
    }

    [Fact]
    public void TamperedBody_OtherId_OtherSecret_OrUnknownVersion_AreRejected()
    {
        var verifier = new StandardWebhookVerifier([Old]);
        var ts = $"{Now.ToUnixTimeSeconds()}";
        var tampered = Encoding.UTF8.GetBytes("""{"type":"payment.succeeded","data":{"amount":50000}}""");
        Assert.Equal(WebhookRejection.BadSignature, verifier.Verify("msg_1", ts, Signature(Old), tampered, Now));
        Assert.Equal(WebhookRejection.BadSignature, verifier.Verify("msg_2", ts, Signature(Old), Body, Now));
        Assert.Equal(WebhookRejection.BadSignature, verifier.Verify("msg_1", ts, Signature(New), Body, Now));
        Assert.Equal(WebhookRejection.BadSignature, verifier.Verify("msg_1", ts, Signature(Old).Replace("v1,", "v2,"), Body, Now));
        Assert.Equal(WebhookRejection.BadSignature, verifier.Verify("msg_1", ts, "v1,not-base64!", Body, Now));
    }

    [Theory]
    [InlineData(-301, WebhookRejection.StaleTimestamp)]
    [InlineData(301, WebhookRejection.StaleTimestamp)]
    [InlineData(-299, WebhookRejection.None)]
    [InlineData(299, WebhookRejection.None)]
    public void Timestamp_MustBeWithinFiveMinutesEitherWay(int offsetSeconds, WebhookRejection expected)
    {
        var verifier = new StandardWebhookVerifier([Old]);
        var at = Now.ToUnixTimeSeconds() + offsetSeconds;
        Assert.Equal(expected, verifier.Verify("msg_1", $"{at}", Signature(Old, at), Body, Now));
    }

    [Theory]
    [InlineData(null, "1800000000", "v1,x")]
    [InlineData("msg_1", null, "v1,x")]
    [InlineData("msg_1", "1800000000", null)]
    public void MissingHeaders_AreRejected(string? id, string? timestamp, string? signature) =>
        Assert.Equal(WebhookRejection.MissingHeaders, new StandardWebhookVerifier([Old]).Verify(id, timestamp, signature, Body, Now));

    [Theory]
    [InlineData("-5")]
    [InlineData("12a")]
    [InlineData("99999999999999999999")]
    public void MalformedTimestamp_IsRejected(string timestamp) =>
        Assert.Equal(WebhookRejection.MalformedTimestamp, new StandardWebhookVerifier([Old]).Verify("msg_1", timestamp, Signature(Old), Body, Now));

    [Fact]
    public void Secrets_MustBeConfigured_AndLongEnough()
    {
        Assert.Throws<InvalidOperationException>(() => new StandardWebhookVerifier([]));
        Assert.Throws<InvalidOperationException>(() => new StandardWebhookVerifier(["whsec_c2hvcnQ="]));
    }
}
