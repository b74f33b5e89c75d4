using BenchmarkDotNet.Attributes;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Users;

namespace Ott.Benchmarks;

/// <summary>Per-event cost of the engines on the user grain's path.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 16, 12, 0, 0, TimeSpan.Zero);
    private readonly ComplianceEngine _compliance = new(RegulationPackLoader.Load(null), new ComplianceOptions());
    private readonly RiskScorer _scorer = new(new ScoringOptions());
    private readonly RollingWindow _window = new(new RollingWindowOptions());
    private UserRollingState _state = new();
    private OttEvent[] _events = [];
    private OttEvent _german = null!;
    private OttEvent _chinaTransfer = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _events = Enumerable.Range(0, 4096).Select(i => new OttEvent
        {
            EventId = $"e{i}",
            UserId = "bench-user",
            DeviceId = $"d{random.Next(4)}",
            ContentId = "c",
            Type = (EventType)random.Next(1, 24),
            Timestamp = T0.AddSeconds(i * 20),
            Region = random.Next(3) switch { 0 => "DE", 1 => "US-CA", _ => "BR" },
            IsEuClaim = false,
            HasConsent = random.Next(4) > 0,
            IpAddress = $"10.0.0.{random.Next(8)}",
            RecordsAccessed = random.Next(100),
            Purpose = ProcessingPurpose.Personalisation,
        }).ToArray();
        _german = _events[0] with { Region = "DE", Type = EventType.Purchase, HasConsent = false, UserAge = 15, ProcessingRegion = "IN" };
        _chinaTransfer = _events[0] with { Region = "CN", Type = EventType.Export, HasConsent = true, ProcessingRegion = "US" };
        _state = new UserRollingState();
        foreach (var e in _events.Take(300))
        {
            _window.Observe(_state, e);
        }
    }

    [Benchmark(Description = "compliance: judge a German event with 3 violations")]
    public ComplianceVerdict JudgeGerman() => _compliance.Judge(_german);

    [Benchmark(Description = "compliance: judge a compliant Chinese transfer")]
    public ComplianceVerdict JudgeChina() => _compliance.Judge(_chinaTransfer);

    [Benchmark(Description = "rolling window: observe one event (warm state)")]
    public Observation Observe()
    {
        var e = _events[_next++ & 4095] with { Timestamp = T0.AddSeconds(90_000 + _next * 20) };
        return _window.Observe(_state, e);
    }

    [Benchmark(Description = "user path: observe + judge + score")]
    public ScoreResult UserPath()
    {
        var e = _events[_next++ & 4095] with { Timestamp = T0.AddSeconds(90_000 + _next * 20) };
        var observation = _window.Observe(_state, e);
        return _scorer.Score(e, observation, 8.0, _compliance.Judge(e));
    }
}
