namespace Ott.Hosting;

/// <summary>How the API process reaches the grains.</summary>
public enum ApiMode
{
    /// <summary>The API process is itself a silo (the embedded profile, or API and silo scaled together).</summary>
    CoHosted,

    /// <summary>The API process is an Orleans client of standalone silos (<c>Ott.Silo</c>), scaled apart from them.</summary>
    Client,
}
