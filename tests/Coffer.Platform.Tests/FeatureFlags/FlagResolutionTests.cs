using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Results;

namespace Coffer.Platform.Tests.FeatureFlags;

/// <summary>The resolution order, percentage rollout and the validation of a flag change: pure functions, no server.</summary>
public sealed class FlagResolutionTests
{
    private static readonly FlagSubject Alice = new("acme", "alice", "fund-1");

    private static CompiledFlag Flag(
        bool enabled = true, bool killSwitch = false, int rolloutBasisPoints = 10_000,
        bool? user = null, bool? fund = null, bool? tenant = null)
    {
        var overrides = new FlagOverrides(
            user is { } u ? [new UserOverride("acme", "alice", u)] : [],
            fund is { } f ? [new FundOverride("FUND-1", f)] : [],
            tenant is { } t ? [new TenantOverride("acme", t)] : []);
        var now = DateTimeOffset.UnixEpoch;
        return new CompiledFlag(new FeatureFlag("f", null, enabled, killSwitch, rolloutBasisPoints, overrides, 1, now, now, "test",
            killSwitch ? now : null));
    }

    [Fact]
    public void MissingFlag_IsOff()
    {
        var decision = FlagResolution.Resolve("nope", null, Alice);
        Assert.Equal((false, FlagReason.Missing), (decision.Enabled, decision.Reason));
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    public void KillSwitch_BeatsEveryOverride(bool user, bool fund, bool tenant)
    {
        var decision = FlagResolution.Resolve("f", Flag(killSwitch: true, user: user, fund: fund, tenant: tenant), Alice);
        Assert.Equal((false, FlagReason.KillSwitch), (decision.Enabled, decision.Reason));
    }

    [Fact]
    public void UserOverride_BeatsFundTenantAndGlobal()
    {
        Assert.Equal((true, FlagReason.User), Of(FlagResolution.Resolve("f", Flag(enabled: false, user: true, fund: false, tenant: false), Alice)));
        Assert.Equal((false, FlagReason.User), Of(FlagResolution.Resolve("f", Flag(enabled: true, user: false, fund: true, tenant: true), Alice)));
    }

    [Fact]
    public void UserOverride_IsPerTenant()
    {
        // The same subject name in another tenant is another user.
        var decision = FlagResolution.Resolve("f", Flag(enabled: false, user: true), new FlagSubject("globex", "alice"));
        Assert.Equal((false, FlagReason.Disabled), Of(decision));
    }

    [Fact]
    public void FundOverride_BeatsTenantAndGlobal_AndIgnoresCase()
    {
        Assert.Equal((true, FlagReason.Fund), Of(FlagResolution.Resolve("f", Flag(enabled: false, fund: true, tenant: false), Alice)));
        Assert.Equal((false, FlagReason.Fund), Of(FlagResolution.Resolve("f", Flag(enabled: true, fund: false, tenant: true), Alice)));
        // Without a fund in the request, the fund level does not apply.
        Assert.Equal((false, FlagReason.Tenant), Of(FlagResolution.Resolve("f", Flag(fund: true, tenant: false), Alice with { Fund = null })));
    }

    [Fact]
    public void TenantOverride_BeatsGlobal()
    {
        Assert.Equal((true, FlagReason.Tenant), Of(FlagResolution.Resolve("f", Flag(enabled: false, tenant: true), Alice)));
        Assert.Equal((false, FlagReason.Tenant), Of(FlagResolution.Resolve("f", Flag(enabled: true, tenant: false), Alice)));
    }

    [Fact]
    public void Global_EnabledAtFullRollout_IsOn_DisabledIsOff()
    {
        Assert.Equal((true, FlagReason.Rollout), Of(FlagResolution.Resolve("f", Flag(enabled: true), Alice)));
        Assert.Equal((false, FlagReason.Disabled), Of(FlagResolution.Resolve("f", Flag(enabled: false), Alice)));
        Assert.Equal((false, FlagReason.OutsideRollout), Of(FlagResolution.Resolve("f", Flag(enabled: true, rolloutBasisPoints: 0), Alice)));
    }

    [Fact]
    public void Rollout_IsStickyPerSubject_AndRoughlyTheShareAsked()
    {
        var subjects = Enumerable.Range(0, 20_000).Select(i => new FlagSubject("acme", $"user-{i}")).ToList();
        var first = subjects.Count(s => FlagResolution.InRollout("canary", s, 500));
        var second = subjects.Count(s => FlagResolution.InRollout("canary", s, 500));
        Assert.Equal(first, second);
        Assert.Equal(subjects.Select(s => FlagResolution.InRollout("canary", s, 500)), subjects.Select(s => FlagResolution.InRollout("canary", s, 500)));
        Assert.InRange(first, 800, 1200); // 5 % of 20,000 = 1,000
    }

    [Fact]
    public void Rollout_IsMonotonic_SubjectsInAtALowerPercentageStayIn()
    {
        var subjects = Enumerable.Range(0, 5_000).Select(i => new FlagSubject("acme", $"user-{i}")).ToList();
        HashSet<FlagSubject>? previous = null;
        foreach (var basisPoints in new[] { 100, 500, 2_500, 5_000, 10_000 })
        {
            var admitted = subjects.Where(s => FlagResolution.InRollout("canary", s, basisPoints)).ToHashSet();
            if (previous is not null)
            {
                Assert.Superset(previous, admitted);
                Assert.True(admitted.Count > previous.Count);
            }
            previous = admitted;
        }
        Assert.Equal(subjects.Count, previous!.Count);
    }

    [Fact]
    public void Rollout_DependsOnTheFlag_SoTheFirstFivePercentDiffer()
    {
        var subjects = Enumerable.Range(0, 5_000).Select(i => new FlagSubject("acme", $"user-{i}")).ToList();
        var a = subjects.Where(s => FlagResolution.InRollout("flag_a", s, 500)).ToHashSet();
        var b = subjects.Where(s => FlagResolution.InRollout("flag_b", s, 500)).ToHashSet();
        Assert.NotEqual(a.Count, a.Intersect(b).Count());
    }

    [Fact]
    public void Rollout_WithoutAnySubject_AdmitsOnlyAtFullRollout()
    {
        var nobody = new FlagSubject(null, null);
        Assert.False(FlagResolution.InRollout("f", nobody, 9_999));
        Assert.True(FlagResolution.InRollout("f", nobody, 10_000));
    }

    [Theory]
    [InlineData(null, true, 0L)]
    [InlineData("*", true, null)]
    [InlineData("\"7\"", true, 7L)]
    [InlineData("7", false, null)]
    [InlineData("W/\"7\"", false, null)]
    public void IfMatch_Parses(string? header, bool valid, long? version)
    {
        Assert.Equal(valid, FlagPrecondition.TryParse(header, out var precondition));
        if (valid && header is not null)
        {
            Assert.Equal(version, precondition.Version);
        }
    }

    [Fact]
    public void Precondition_HoldsOnlyForTheNamedVersion()
    {
        var flag = Flag().Definition;
        Assert.True(FlagPrecondition.None.HoldsFor(null));
        Assert.True(new FlagPrecondition(true, null).HoldsFor(flag));
        Assert.False(new FlagPrecondition(true, null).HoldsFor(null));
        Assert.True(new FlagPrecondition(false, 1).HoldsFor(flag));
        Assert.False(new FlagPrecondition(false, 2).HoldsFor(flag));
    }

    [Fact]
    public void Request_RequiresStateFields_AndRejectsBadPercentagesAndDuplicates()
    {
        var errors = new ValidationErrors();
        var result = new FlagRequest(null, null, 100.005m, Overrides: new FlagOverridesRequest(
            [new UserOverrideRequest("acme", "alice", true), new UserOverrideRequest("acme", "alice", false)], null,
            [new TenantOverrideRequest(null, true)])).Validate(errors);
        Assert.Null(result);
        var fields = ((IDictionary<string, string[]>)errors.ToFailure().Extensions["errors"]!).Keys;
        Assert.Contains("enabled", fields);
        Assert.Contains("killSwitch", fields);
        Assert.Contains("rolloutPercentage", fields);
        Assert.Contains("overrides.users", fields);
        Assert.Contains("overrides.tenants[0].tenant", fields);
    }

    [Fact]
    public void Request_PercentageBecomesBasisPoints()
    {
        var result = new FlagRequest(true, false, 12.34m).Validate(new ValidationErrors());
        Assert.Equal(1234, result!.Value.RolloutBasisPoints);
    }

    [Theory]
    [InlineData("ledger_reversals_enabled", true)]
    [InlineData("a.b-c_9", true)]
    [InlineData("Upper", false)]
    [InlineData("9starts_with_digit", false)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    public void Keys_AreValidated(string key, bool valid) => Assert.Equal(valid, FlagCatalog.IsValidKey(key));

    private static (bool, FlagReason) Of(FlagDecision decision) => (decision.Enabled, decision.Reason);
}
