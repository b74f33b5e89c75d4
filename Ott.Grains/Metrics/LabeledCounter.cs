using System.Diagnostics.Metrics;

namespace Ott.Grains.Metrics;

/// <summary>
/// A counter over a fixed, bounded set of label combinations, each a 64-bit slot incremented with one interlocked add:
/// recording allocates nothing and takes no lock. It is published as an observable counter, so every combination is
/// exported from process start (at 0 until it moves) and the exporter reads the slots only when scraped.
/// </summary>
public sealed class LabeledCounter
{
    private readonly long[] _counts;
    private readonly KeyValuePair<string, object?>[][] _tags;
    private readonly int[] _strides;

    /// <param name="meter">The meter the counter is published on.</param>
    /// <param name="name">Instrument name (e.g. <c>events.assessed</c>).</param>
    /// <param name="description">What it counts.</param>
    /// <param name="labels">Each label's name and every value it can take; the counter has one slot per combination.</param>
    public LabeledCounter(Meter meter, string name, string description, params (string Name, IReadOnlyList<string> Values)[] labels)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(labels);
        var size = labels.Aggregate(1, (product, label) => product * label.Values.Count);
        _counts = new long[size];
        _tags = new KeyValuePair<string, object?>[size][];
        _strides = new int[labels.Length];
        var stride = 1;
        for (var l = labels.Length - 1; l >= 0; l--)
        {
            _strides[l] = stride;
            stride *= labels[l].Values.Count;
        }

        for (var slot = 0; slot < size; slot++)
        {
            _tags[slot] = new KeyValuePair<string, object?>[labels.Length];
            for (var l = 0; l < labels.Length; l++)
            {
                _tags[slot][l] = new(labels[l].Name, labels[l].Values[slot / _strides[l] % labels[l].Values.Count]);
            }
        }

        meter.CreateObservableCounter(name, Observe, description: description);
    }

    /// <param name="meter">The meter the counter is published on.</param>
    /// <param name="name">Instrument name.</param>
    /// <param name="description">What it counts.</param>
    /// <param name="labelNames">The label names.</param>
    /// <param name="combinations">The only label value combinations that occur, one slot each (add with <see cref="AddAt"/>).</param>
    public LabeledCounter(Meter meter, string name, string description, IReadOnlyList<string> labelNames, IReadOnlyList<string[]> combinations)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentNullException.ThrowIfNull(combinations);
        _counts = new long[combinations.Count];
        _strides = [1];
        _tags = combinations.Select(values => labelNames.Select((label, i) => new KeyValuePair<string, object?>(label, values[i])).ToArray()).ToArray();
        meter.CreateObservableCounter(name, Observe, description: description);
    }

    /// <summary>Adds <paramref name="count"/> to the slot of a combination (its position in the constructor's list).</summary>
    public void AddAt(int slot, long count = 1) => Interlocked.Add(ref _counts[slot], count);

    /// <summary>Adds <paramref name="count"/> to the combination of label value indexes (in the constructor's order).</summary>
    public void Add(long count, int first = 0, int second = 0) =>
        Interlocked.Add(ref _counts[Slot(first, second)], count);

    /// <summary>The current value of one combination.</summary>
    public long Read(int first = 0, int second = 0) => Volatile.Read(ref _counts[Slot(first, second)]);

    /// <summary>The sum over every combination.</summary>
    public long Total()
    {
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        return total;
    }

    private int Slot(int first, int second) =>
        _strides.Length switch
        {
            0 => 0,
            1 => first,
            _ => (first * _strides[0]) + second,
        };

    private IEnumerable<Measurement<long>> Observe()
    {
        for (var slot = 0; slot < _counts.Length; slot++)
        {
            yield return new Measurement<long>(Volatile.Read(ref _counts[slot]), _tags[slot]);
        }
    }
}
