using System.Collections.Generic;

namespace Spte.ZeroCost.Tests;

/// <summary>A line diff (longest common subsequence) that names only the lines that differ.</summary>
public static class LineDiff
{
    /// <summary>
    /// The lines of <paramref name="left"/> missing from <paramref name="right"/> as <c>"- line"</c>
    /// and the lines of <paramref name="right"/> missing from <paramref name="left"/> as
    /// <c>"+ line"</c>, in listing order. Empty when the two are equal.
    /// </summary>
    public static IReadOnlyList<string> Compute(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        // common[i, j] = length of the longest common subsequence of left[i..] and right[j..].
        var common = new int[left.Count + 1, right.Count + 1];
        for (var i = left.Count - 1; i >= 0; i--)
        {
            for (var j = right.Count - 1; j >= 0; j--)
            {
                common[i, j] = left[i] == right[j]
                    ? common[i + 1, j + 1] + 1
                    : System.Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var diff = new List<string>();
        int l = 0, r = 0;
        while (l < left.Count || r < right.Count)
        {
            if (l < left.Count && r < right.Count && left[l] == right[r])
            {
                l++;
                r++;
            }
            else if (r == right.Count || (l < left.Count && common[l + 1, r] >= common[l, r + 1]))
            {
                diff.Add("- " + left[l++]);
            }
            else
            {
                diff.Add("+ " + right[r++]);
            }
        }

        return diff;
    }
}
