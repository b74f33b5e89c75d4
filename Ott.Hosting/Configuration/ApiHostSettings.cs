namespace Ott.Hosting;

/// <summary>The part of <c>Ott:Api</c> that decides how the API process is hosted (read before the host is built).</summary>
public sealed class ApiHostSettings
{
    /// <summary><c>CoHosted</c> (the API process is also a silo; default) or <c>Client</c> (an Orleans client of standalone silos).</summary>
    public ApiMode Mode { get; set; } = ApiMode.CoHosted;
}
