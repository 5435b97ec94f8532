using Coffer.Platform.FeatureFlags;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Tests.FeatureFlags;

public sealed class FlagGateValidationTests
{
    [Fact(Timeout = 10_000)]
    public async Task StartUp_FailsWhenAnEndpointRequiresAnUndeclaredFlag()
    {
        var endpoints = new DefaultEndpointDataSource(
            new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RequiresFeatureMetadata("typo_enabled", null)), "POST /x"));
        var validation = new FlagGateValidation(new FlagCatalog([new FlagDeclaration("real_enabled", "a flag")]), endpoints);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => validation.StartAsync(CancellationToken.None));
        Assert.Contains("typo_enabled", failure.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task StartUp_PassesWhenEveryRequiredFlagIsDeclared()
    {
        var endpoints = new DefaultEndpointDataSource(
            new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RequiresFeatureMetadata("real_enabled", null)), "POST /x"));
        var validation = new FlagGateValidation(new FlagCatalog([new FlagDeclaration("real_enabled", "a flag")]), endpoints);
        await validation.StartAsync(CancellationToken.None);
    }

    [Fact]
    public void RequireFeature_RefusesAnInvalidKeyWhenMapped() =>
        Assert.Throws<ArgumentException>(() => new RouteGroupBuilderStub().RequireFeature("Not A Key"));

    private sealed class RouteGroupBuilderStub : Microsoft.AspNetCore.Builder.IEndpointConventionBuilder
    {
        public void Add(Action<Microsoft.AspNetCore.Builder.EndpointBuilder> convention)
        {
        }
    }
}
