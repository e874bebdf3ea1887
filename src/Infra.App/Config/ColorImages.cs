namespace Infra.App.Config;

/// <summary>
/// Images of the blue and green fleets: an AMI id (<see cref="Blue"/>, <see cref="Green"/>: a golden image
/// of your own), or the image recorded per region in <c>Config/images.json</c> by <c>tools/images</c>
/// (<see cref="BlueByRegion"/>, <see cref="GreenByRegion"/>). Neither: the latest Amazon Linux 2023,
/// resolved anew on every deploy (docs/images.md).
/// </summary>
public sealed record ColorImages(string? Blue = null, string? Green = null)
{
    /// <summary>Recorded image of the blue fleet per region (region → AMI id); empty: none recorded.</summary>
    public IReadOnlyDictionary<string, string> BlueByRegion { get; init; } = new Dictionary<string, string>();

    /// <summary>Recorded image of the green fleet per region (region → AMI id); empty: none recorded.</summary>
    public IReadOnlyDictionary<string, string> GreenByRegion { get; init; } = new Dictionary<string, string>();
}
