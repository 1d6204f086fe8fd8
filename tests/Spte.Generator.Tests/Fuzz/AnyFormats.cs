using System.Collections.Generic;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>A random format, valid or broken by up to three <see cref="Mutation"/>s.</summary>
internal sealed record MutatedFormat(FormatModel Format, IReadOnlyList<Mutation> Mutations);

internal static class AnyFormats
{
    /// <summary>About a third valid, half broken once, the rest broken two or three times.</summary>
    public static MutatedFormat Build(Recipe recipe, int index)
    {
        var format = ValidFormats.Build(recipe, index);
        var count = recipe.Next(10) switch
        {
            < 3 => 0,
            < 8 => 1,
            _ => recipe.Between(2, 3),
        };
        var applied = new List<Mutation>();
        for (var m = 0; m < count; m++)
        {
            var start = recipe.Next(Mutation.All.Length);
            for (var tried = 0; tried < Mutation.All.Length; tried++)
            {
                var mutation = Mutation.All[(start + tried) % Mutation.All.Length];
                if (mutation.Apply(format, recipe, "Mut" + m) is { } broken)
                {
                    format = broken;
                    applied.Add(mutation);
                    break;
                }
            }
        }

        return new MutatedFormat(format, applied);
    }
}
