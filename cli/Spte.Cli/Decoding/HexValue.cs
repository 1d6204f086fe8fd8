using System;
using System.Globalization;

namespace Spte.Cli.Decoding;

/// <summary>Parses the entry a user types: hex digits, optional <c>0x</c>, optional '_' separators.</summary>
internal static class HexValue
{
    /// <summary>Parses <paramref name="text"/> as a 64-bit entry.</summary>
    /// <exception cref="CliException">Not hex, or more than 64 bits.</exception>
    public static ulong Parse(string text)
    {
        var digits = text.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        digits = digits.Replace("_", string.Empty, StringComparison.Ordinal);
        if (digits.Length == 0 || digits.AsSpan().ContainsAnyExcept(HexDigits))
        {
            throw new CliException(
                $"'{text}' is not a hexadecimal entry (expected hex digits such as 0x8000000000000000; '_' may separate them)");
        }

        digits = digits.TrimStart('0');
        if (digits.Length > 16)
        {
            throw new CliException($"'{text}' is out of range: an entry is 64 bits, at most 16 significant hex digits");
        }

        return digits.Length == 0 ? 0 : ulong.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static ReadOnlySpan<char> HexDigits => "0123456789abcdefABCDEF";
}
