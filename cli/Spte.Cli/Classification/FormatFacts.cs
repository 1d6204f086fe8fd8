using Spte.Cli.Model;
using Spte.Runtime.Formats;

namespace Spte.Cli.Classification;

/// <summary>Picks the <see cref="IFormatFacts"/> of a format.</summary>
internal static class FormatFacts
{
    /// <summary>
    /// EPT and NPT facts for the built-in formats; a user's format (even one rebuilt under the same
    /// name) gets none, because spte cannot know what its bits do to the hardware.
    /// </summary>
    public static IFormatFacts For(FormatModel format)
    {
        if (format.Origin == FormatCatalog.BuiltIn)
        {
            if (format.FullName == typeof(EptSpte).FullName)
            {
                return new EptFacts();
            }

            if (format.FullName == typeof(NptSpte).FullName)
            {
                return new NptFacts();
            }
        }

        return new UnknownHardwareFacts(format.Name);
    }
}
