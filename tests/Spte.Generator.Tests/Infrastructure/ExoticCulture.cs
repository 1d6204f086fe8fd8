using System;
using System.Globalization;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// Runs code under a culture whose numbers look nothing like the invariant culture's, to prove
/// that generated code and the generator format numbers culture-independently.
/// </summary>
internal static class ExoticCulture
{
    /// <summary>Arabic (Saudi Arabia) with a two-character minus sign and odd separators.</summary>
    public static CultureInfo Culture { get; } = Create();

    public static T Run<T>(Func<T> action)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = Culture;
        CultureInfo.CurrentUICulture = Culture;
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    private static CultureInfo Create()
    {
        var culture = (CultureInfo)CultureInfo.GetCultureInfo("ar-SA").Clone();
        culture.NumberFormat.NegativeSign = "~~";
        culture.NumberFormat.PositiveSign = "##";
        culture.NumberFormat.NumberGroupSeparator = "'";
        culture.NumberFormat.NumberDecimalSeparator = "_";
        return culture;
    }
}
