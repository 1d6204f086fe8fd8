using System.IO;
using Spte.Cli.Classification;

namespace Spte.Cli.Decoding;

/// <summary>Prints a <see cref="Finding"/>: "finding: " and its summary, then each consequence indented.</summary>
internal static class FindingWriter
{
    /// <summary>Writes <paramref name="finding"/> to <paramref name="output"/>.</summary>
    public static void Write(Finding finding, TextWriter output)
    {
        output.WriteLine($"finding: {finding.Summary}");
        foreach (var consequence in finding.Consequences)
        {
            output.WriteLine($"  {consequence}");
        }
    }
}
