namespace Infra.Constructs.Images;

/// <summary>A CPU architecture the pipeline builds an Amazon Linux 2023 image for (one recipe and pipeline each).</summary>
public enum ImageArchitecture
{
    /// <summary>Intel and AMD instance types (t3, m7i, ...).</summary>
    X86_64,

    /// <summary>Graviton instance types (t4g, m7g, ...).</summary>
    Arm64,
}
