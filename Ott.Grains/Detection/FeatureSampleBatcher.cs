using Microsoft.Extensions.Options;
using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Detection;

/// <summary>
/// Per silo, a uniform sample (reservoir) of at most <see cref="AggregationOptions.FeatureSamplesPerFlush"/> feature
/// vectors of the events assessed between two flushes, with the count seen; flushed as one
/// <see cref="IModelGrain.AddSamplesAsync"/> to the model grain (key 0). A failed flush is dropped, not restored: it
/// is a statistical sample, the next one replaces it.
/// </summary>
public sealed class FeatureSampleBatcher(IGrainFactory grains, IOptions<AggregationOptions> options) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private readonly int _capacity = options.Value.FeatureSamplesPerFlush;

    // Fixed seed: a silo's sample is reproducible for a given order of events.
    private readonly Random _sampling = new(7);
    private List<double[]> _samples = [];
    private long _seen;

    public void Observe(in AssessedEvent assessed)
    {
        if (assessed.Assessment.FeatureVector is not { } features)
        {
            return;
        }

        lock (_lock)
        {
            _seen++;
            if (_samples.Count < _capacity)
            {
                _samples.Add(features);
            }
            else if (_sampling.NextInt64(_seen) is var slot && slot < _capacity)
            {
                _samples[(int)slot] = features;
            }
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<double[]> samples;
        long seen;
        lock (_lock)
        {
            if (_samples.Count == 0)
            {
                return;
            }

            (samples, _samples, seen, _seen) = (_samples, [], _seen, 0);
        }

        var length = 0;
        foreach (var sample in samples)
        {
            length += sample.Length;
        }

        var values = new double[length];
        var at = 0;
        foreach (var sample in samples)
        {
            sample.CopyTo(values, at);
            at += sample.Length;
        }

        var batch = new FeatureSamples(samples[0].Length, values, seen);
        await calls.RunAsync(() => grains.GetGrain<IModelGrain>(0).AddSamplesAsync(batch), restore: null);
    }
}
