using Ott.Grains.Interfaces;
using Ott.Grains.Users;

namespace Ott.Grains.Detection;

/// <summary>
/// The transparent six-factor baseline of docs/scoring.md over the user's last 100 events (the current one
/// included). likelihood = min(1, sum of the fired factors' weights); confidence = min(1, events / 50).
/// </summary>
public static class ViolationBaseline
{
    public static readonly IReadOnlyList<string> Names =
    [
        "frequent_no_consent", "gdpr_violation_pattern", "high_data_access_frequency",
        "repeated_auth_failures", "suspicious_geo_variance", "elevated_error_rate",
    ];

    private static readonly double[] Weights = [0.35, 0.45, 0.25, 0.15, 0.20, 0.10];

    /// <summary>Fills <paramref name="indicators"/> (6 values, 1 when the factor fired) and returns the prediction.</summary>
    public static (double Likelihood, double Confidence, IReadOnlyList<string> Factors) Predict(UserRollingState state, Span<double> indicators)
    {
        var recent = state.Recent;
        var n = recent.Count;
        int noConsent20 = 0, gdprNoConsent = 0, access = 0, auth = 0, errors = 0;
        for (var i = 0; i < n; i++)
        {
            var e = recent[i];
            var consent = (e.Flags & RecentEventFlags.HasConsent) != 0;
            if (i >= n - 20 && !consent)
            {
                noConsent20++;
            }

            gdprNoConsent += (e.Flags & RecentEventFlags.GdprArea) != 0 && !consent ? 1 : 0;
            access += e.Type.IsDataAccess() ? 1 : 0;
            auth += e.Type.IsAuthFailure() ? 1 : 0;
            errors += e.Type.IsErrorLike() ? 1 : 0;
        }

        Span<int> lastIps = stackalloc int[5];
        var ips = 0;
        for (var i = Math.Max(0, n - 5); i < n; i++)
        {
            if (!lastIps[..ips].Contains(recent[i].Ip))
            {
                lastIps[ips++] = recent[i].Ip;
            }
        }

        indicators[0] = n > 0 && (double)noConsent20 / Math.Min(20, n) > 0.3 ? 1 : 0;
        indicators[1] = gdprNoConsent > 3 ? 1 : 0;
        indicators[2] = access > 10 ? 1 : 0;
        indicators[3] = auth > 5 ? 1 : 0;
        indicators[4] = ips > 3 ? 1 : 0;
        indicators[5] = n > 0 && (double)errors / n > 0.4 ? 1 : 0;

        var sum = 0.0;
        var factors = new List<string>(2);
        for (var i = 0; i < Weights.Length; i++)
        {
            if (indicators[i] > 0)
            {
                sum += Weights[i];
                factors.Add(Names[i]);
            }
        }

        return (Math.Round(Math.Min(1, sum), 4), Math.Min(1, n / 50.0), factors);
    }
}
